#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (fuzz/corpus/<target>/).

The file targets get small CSV and XLSX files as committees keep them. The
row targets take their input through `arbitrary` (arbitrary 1.x layout:
integers little-endian from the front, each string's length in one byte
taken from the back, the last field the rest), so a seed is encoded here
field by field; `cargo +nightly fuzz fmt <target> <file>` shows it decoded.
Run from anywhere: python3 fuzz/make_corpus.py
"""

import io
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert len(data) < 20_000, (target, name)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def encode(fields):
    """fields: [(kind, value)], kinds u8 u16 i64 bool str optstr; the last
    one may be "rest" (a string) or "rest_pairs" (a list of string pairs)."""
    front, back = bytearray(), []

    def string(s):
        b = s.encode("utf-8")
        assert len(b) < 256
        back.append(len(b))
        front.extend(b)

    for kind, v in fields:
        if kind == "u8" or kind == "bool":
            front.append(int(v))
        elif kind == "u16":
            front.extend(struct.pack("<H", v))
        elif kind == "i64":
            front.extend(struct.pack("<q", v))
        elif kind == "str":
            string(v)
        elif kind == "optstr":
            front.append(v is not None)
            if v is not None:
                string(v)
        elif kind == "rest":
            front.extend(v.encode("utf-8"))
        elif kind == "rest_pairs":
            for a, b in v:
                front.append(1)
                string(a)
                string(b)
            front.append(0)
        else:
            raise ValueError(kind)
    data = bytes(front) + bytes(reversed(back))
    # One-byte lengths hold while the input is at most 256 bytes long.
    assert len(data) <= 256, len(data)
    return data


# Days since 2019-01-01 for "today" (the targets add them to that day).
TODAY = 1_000  # 2021-09-27

# --- CSV files -------------------------------------------------------------
PEOPLE_CSV = (
    "STT,Họ và tên,Ngày sinh (dd/mm/yyyy),Giới tính,Số CCCD/CMND,Số điện thoại,Mã xã,Mã thôn,Địa chỉ,Nghề nghiệp\r\n"
    "1,Nguyễn Văn An,15/03/1985,Nam,022085001234,0912345678,06649,06649-001,\"Số 5, ngõ 12\",Giáo viên\r\n"
    "2,Trần Thị Bích Ngọc,1990,Nữ,,+84 983 111 222,06649,,Thôn Đông,\r\n"
    "\r\n"
    "3,Lê Hoàng Phúc,2001-12-31,nam,123456789,,06649,,\"Nhà \"\"xanh\"\"\nphía sau chợ\",Sinh viên\r\n"
)
PEOPLE_SEMICOLON = (
    "\ufeffHọ tên;Năm sinh;Giới;SĐT;Mã phường/xã;Hộ\n"
    "Phạm Thị Hoa;1975;Nữ;0243 826 1234;00001;H1\n"
    "Đỗ Minh Khôi;1999;Nam;0353 999 000;00001;H1\n"
)
CASES_CSV = (
    "Mã BN,Tuổi,Giới tính,Mã xã,Ngày khẳng định,Lây từ,Nhập cảnh từ,Điều trị,Ngày khỏi\n"
    "BN1001,45,Nam,06649,10/08/2021,,Nhật Bản,khỏi,2021-08-30\n"
    "BN 1002,,,06649,11/08/2021,BN1001 và BN17,,bệnh viện,\n"
)
RESULTS_CSV = (
    "Mã mẫu\tLoại xét nghiệm\tKết quả\tGiá trị Ct\tNgày trả kết quả\tPhòng xét nghiệm\n"
    "S123\tRT-PCR\tDương tính\tN:24,5; E:26.1\t12/08/2021\tCDC Hà Nội\n"
    "P45\ttest nhanh\tâm tính\t\t2021-08-12\t\n"
)
CONTACTS_CSV = (
    "Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày tiếp xúc,Đến ngày,Bối cảnh,Khoảng cách (m),Thời gian (phút),Đeo khẩu trang\n"
    "Vũ Thị Lan,1960,Nữ,06649,01/08/2021,03/08/2021,gia đình,\"1,5\",30,x\n"
)
UNCLOSED_QUOTE = "Họ và tên,Ngày sinh\nNguyễn Văn An,\"1985\nTrần Thị B,1990\n"
for name, text in [
    ("people.csv", PEOPLE_CSV),
    ("people-semicolon-bom.csv", PEOPLE_SEMICOLON),
    ("cases.csv", CASES_CSV),
    ("results-tab.csv", RESULTS_CSV),
    ("contacts.csv", CONTACTS_CSV),
    ("unclosed-quote.csv", UNCLOSED_QUOTE),
]:
    write("csv_reader", name, text)
write("csv_reader", "not-utf8.csv", "Họ và tên\nNguy\xe1n\n".encode("utf-8")[:-3] + b"\xff\xfe\n")

# --- XLSX files --------------------------------------------------------------
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F4"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="inlineStr"><is><t>Số điện thoại</t></is></c></row>
<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2" s="1"><v>31121</v></c><c r="C2" t="s"><v>6</v></c><c r="D2"><v>22085001234</v></c><c r="E2" t="s"><v>7</v></c><c r="F2" t="str"><f>"0"&amp;"912345678"</f><v>0912345678</v></c></row>
<row r="4"><c r="A4" t="inlineStr"><is><t>Trần Thị Bích Ngọc</t></is></c><c r="B4"><v>1990</v></c><c r="C4" t="inlineStr"><is><t>Nữ</t></is></c><c r="D4" t="b"><v>1</v></c><c r="E4" t="e"><v>#N/A</v></c><c r="F4" s="2"><v>44197.5</v></c></row>
</sheetData></worksheet>"""
SHARED = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="8" uniqueCount="8"><si><t>Họ và tên</t></si><si><t>Ngày sinh</t></si><si><t>Giới tính</t></si><si><t>Số CCCD/CMND</t></si><si><t>Mã xã</t></si><si><r><t>Nguyễn </t></r><r><rPr><b/></rPr><t>Văn An</t></r></si><si><t>Nam</t></si><si><t xml:space="preserve"> 06649 </t></si></sst>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"""


def xlsx(sheet, shared=SHARED, styles=STYLES, deflate=True):
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, text in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WB_RELS),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", shared),
            ("xl/styles.xml", styles),
        ]:
            z.writestr(zipfile.ZipInfo(name, (2021, 8, 10, 0, 0, 0)), text, method)
    return buf.getvalue()


write("xlsx_reader", "people.xlsx", xlsx(SHEET))
write("xlsx_reader", "people-stored.xlsx", xlsx(SHEET, deflate=False))
# The parts form (worksheet, shared strings, styles split on the byte 0x1E):
# the target zips them itself, so mutations reach the XML.
write("xlsx_reader", "people-parts.xml", "\x1e".join([SHEET, SHARED, STYLES]))
write(
    "xlsx_reader",
    "offset-range-parts.xml",
    SHEET.replace('r="1"', 'r="3"').replace("A1:F4", "C3:H6").replace('r="A', 'r="C'),
)

# --- Rows --------------------------------------------------------------------
def person_row(name, birth, sex, nid, phone, commune, hamlet="", street="",
               occupation="", workplace="", vulnerabilities="", age="", case=None):
    return encode([
        ("u16", TODAY), ("str", name), ("str", birth), ("str", sex), ("str", nid),
        ("str", phone), ("str", commune), ("str", hamlet), ("str", street),
        ("str", occupation), ("str", workplace), ("str", vulnerabilities), ("str", age),
        ("optstr", case),
    ])


write("person_row", "good", person_row("Nguyễn Văn An", "15/03/1985", "Nam", "022 085 001234",
                                        "+84 912 345 678", "6649", "06649-001", "Số 5 ngõ 12",
                                        "Giáo viên", "Trường THCS", "mang thai; chronic"))
write("person_row", "year-cmnd", person_row("Trần Thị Bích Ngọc", "1990", "Nữ", "123.456.789",
                                             "0243 826 1234", "00001"))
write("person_row", "anonymous-case", person_row("", "", "", "", "", "06649", age="45", case="BN 1002"))
write("person_row", "bad", person_row("A", "31/02/2021", "?", "0011", "01623456789", "1234567",
                                       "x-1", age="200"))


def case_row(official, local, name, birth, sex, age, commune, confirmed, sample, onset,
             infected_by, country, exposure, course, test, detected, negative,
             recovered, died, hospital, province, district):
    fields = [("u16", TODAY)] + [("str", v) for v in (
        official, local, name, birth, sex, age, commune, confirmed, sample, onset,
        infected_by, country, exposure, course, test, detected, negative, recovered,
        died, hospital, province)] + [("rest", district)]
    return encode(fields)


write("case_row", "imported", case_row("BN1001", "HN-12", "", "", "", "45", "06649", "10/08/2021",
                                       "", "", "", "Nhật Bản", "", "recovered", "rt_pcr",
                                       "checkpoint", "", "2021-08-30", "", "", "", ""))
write("case_row", "sources", case_row("1002", "", "Lê Văn Bình", "1980", "Nam", "", "06649", "",
                                      "11/08/2021", "09/08/2021", "BN1001 và BN17; Chợ Long Biên",
                                      "", "05/08/2021", "hospital", "antigen", "community",
                                      "", "", "", "BV Bệnh Nhiệt đới", "01", "001"))


def contact_row(date, until, setting, distance, minutes, masked="", body="", care="", ppe="",
                closed=""):
    return encode([
        ("u16", TODAY), ("i64", 1), ("i64", 2), ("str", "Vũ Thị Lan"), ("str", "1960"),
        ("str", "Nữ"), ("str", "022160001234"), ("str", "0912345678"), ("str", "06649"),
        ("str", date), ("str", until), ("str", setting), ("str", distance), ("str", minutes),
        ("str", masked), ("str", body), ("str", care), ("str", ppe), ("rest", closed),
    ])


write("contact_row", "household", contact_row("01/08/2021", "03/08/2021", "gia đình", "1,5", "30", "x"))
write("contact_row", "care", contact_row("2022-05-01", "", "hospital", "", "", "", "", "có", "", "1"))


def result_row(code, kind, outcome, ct, date, lab):
    return encode([("u16", TODAY), ("str", code), ("str", kind), ("str", outcome), ("str", ct),
                   ("str", date), ("rest", lab)])


write("result_row", "positive", result_row("S123", "RT-PCR", "Dương tính", "N:24,5; E:26.1",
                                           "12/08/2021", "CDC Hà Nội"))
write("result_row", "pool-negative", result_row("p45", "test nhanh", "âm tính", "", "2021-08-12", ""))


def campaign(xlsx_file, columns, rows):
    return encode([("bool", xlsx_file), ("u8", columns), ("rest_pairs", rows)])


ROWS = [("12", "022085001234"), ("#13", ""), ("", "123456789"), ("mười", ""), (" ", " ")]
write("campaign_list", "both-csv", campaign(False, 3, ROWS))
write("campaign_list", "both-xlsx", campaign(True, 3, ROWS))
write("campaign_list", "ids-csv", campaign(False, 1, ROWS[:2]))
