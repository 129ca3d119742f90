#!/usr/bin/env python3
"""Writes data/examples/ca-benh.csv — a case list shaped like the ones the
Ministry and provinces published in 2021 (anonymised: case number, age, sex,
commune, dates, sources written every way people wrote them, imported cases by
country in Vietnamese, English or ISO, rows naming cases further down, CRLF
line endings, blank lines, a quoted line break) — and
data/examples/ca-benh.expected.json, the truth it was drawn from: which rows
are refused and why, each imported case's sources, and its secondaries and
depth. The import test checks the system against this file, not against
itself. Deterministic (fixed seed); run again only to change the example.
"""
import json, random

rng = random.Random(20210801)
COMMUNES = ["06649", "06652", "06655", "06658", "06661", "06664", "06667", "06670",
            "06673", "06676", "07030", "07033", "07036", "06709", "06712"]
COUNTRIES = [("Anh", "GB"), ("UK", "GB"), ("Vương quốc Anh", "GB"), ("Mỹ", "US"),
             ("USA", "US"), ("Hoa Kỳ", "US"), ("Nhật Bản", "JP"), ("JP", "JP"),
             ("Hàn Quốc", "KR"), ("Pháp", "FR"), ("Nga", "RU"), ("Ả Rập Xê Út", "SA"),
             ("không rõ", "XX"), ("Guinea Xích Đạo", "GQ"), ("Campuchia", "KH")]
N = 400
FIRST = 3001
codes = [f"BN{FIRST + i}" for i in range(N)]
# Confirmation days from 1 July 2021, in code order roughly (numbers follow dates).
day0 = 0
cases = []
for i, code in enumerate(codes):
    day0 += rng.choice([0, 0, 0, 1])
    cases.append({"code": code, "day": day0, "sources": [], "country": None})

def spell(code):
    n = code[2:]
    return rng.choice([code, code, f"BN {n}", f"bn{n}", f"Bệnh nhân {n}", n, f"BN-{n}"])

for i, c in enumerate(cases):
    if i < 30 or rng.random() < 0.06:
        # Imported: a country only.
        typed, iso = rng.choice(COUNTRIES)
        c["country"] = (typed, iso)
        continue
    # Sources among cases confirmed up to 10 days earlier (or, for 12 % of
    # rows, a later-numbered case listed further down the file).
    earlier = [j for j in range(max(0, i - 60), i) if cases[j]["day"] <= c["day"]]
    if not earlier:
        continue
    k = 1 if rng.random() < 0.7 else 2
    picks = rng.sample(earlier, min(k, len(earlier)))
    c["sources"] = [cases[j]["code"] for j in picks]
    if rng.random() < 0.04:
        typed, iso = rng.choice(COUNTRIES[:12])
        c["country"] = (typed, iso)

# Forward references: some rows name a case that comes later in the file.
order = list(range(N))
for _ in range(40):
    a = rng.randrange(30, N)
    b = rng.randrange(30, N)
    order[a], order[b] = order[b], order[a]

# Rows that must be refused, and their reasons.
bad = {}
unknown_src = 120   # names a case that does not exist
bad[codes[unknown_src]] = "unknown_case"
cases[unknown_src]["sources"] = cases[unknown_src]["sources"][:1] + ["BN99999"]
vn_import = 200     # "imported" from Vietnam
cases[vn_import]["sources"] = []
cases[vn_import]["country"] = ("Việt Nam", None)
bad[codes[vn_import]] = "domestic"
bad_date = 250      # an impossible date
cases[bad_date]["bad_date"] = True
bad[codes[bad_date]] = "invalid_date"
# Everything whose source is refused is refused too (transitively).
changed = True
while changed:
    changed = False
    for c in cases:
        if c["code"] not in bad and any(s in bad for s in c["sources"]):
            bad[c["code"]] = "source_refused"
            changed = True

def date(d, plus=0):
    import datetime
    x = datetime.date(2021, 7, 1) + datetime.timedelta(days=d + plus)
    return x.strftime("%d/%m/%Y")

header = ["BN", "Tuổi", "Giới tính", "Mã xã", "Ngày khẳng định", "Lây từ", "Nhập cảnh từ",
          "Tình trạng", "Ngày khỏi", "Ngày tử vong"]
lines = [",".join(header)]
expected_lines = {}
line_no = 1
for n, i in enumerate(order):
    c = cases[i]
    age = str(rng.randint(1, 90))
    sex = rng.choice(["Nam", "Nữ", "Nam", "Nữ", ""])
    src = ", ".join(spell(s) for s in c["sources"])
    if len(c["sources"]) == 2 and rng.random() < 0.3:
        src = src.replace(", ", rng.choice(["; ", " và ", " + "]))
    country = c["country"][0] if c["country"] else ""
    course, rec, died = "", "", ""
    r = rng.random()
    if r < 0.55:
        course, rec = "Khỏi", date(c["day"], rng.randint(10, 21))
    elif r < 0.57:
        course, died = "Tử vong", date(c["day"], rng.randint(3, 15))
    elif r < 0.8:
        course = "Đang điều trị"
    confirmed = "31/06/2021" if c.get("bad_date") else date(c["day"])
    quoted_break = n == 77 and len(c["sources"]) == 2
    if quoted_break:
        src = '"' + src.replace(", ", ",\r\n") + '"'
    elif "," in src:
        src = '"' + src + '"'
    row = [c["code"] if rng.random() < 0.8 else c["code"][2:], age, sex, rng.choice(COMMUNES),
           confirmed, src, country, course, rec, died]
    line_no += 1
    expected_lines[c["code"]] = line_no
    lines.append(",".join(row))
    if quoted_break:
        line_no += 1
    if n in (50, 51, 300):
        lines.append("")
        line_no += 1

with open("data/examples/ca-benh.csv", "w", encoding="utf-8", newline="") as f:
    f.write("\r\n".join(lines) + "\r\n")

ok = [c for c in cases if c["code"] not in bad]
secondaries = {c["code"]: 0 for c in ok}
for c in ok:
    for s in c["sources"]:
        secondaries[s] += 1
depth = {}
def d(code):
    if code in depth:
        return depth[code]
    c = cases[codes.index(code)]
    depth[code] = 0 if not c["sources"] else 1 + max(d(s) for s in c["sources"])
    return depth[code]
expected = {
    "rows": N,
    "confirmed": len(ok),
    "refused": {code: {"line": expected_lines[code], "why": why} for code, why in sorted(bad.items())},
    "cases": {
        c["code"]: {
            "line": expected_lines[c["code"]],
            "sources": c["sources"] + ([f"country:{c['country'][1]}"] if c["country"] else []),
            "imported": c["country"] is not None,
            "secondaries": secondaries[c["code"]],
            "depth": d(c["code"]),
        } for c in ok
    },
}
with open("data/examples/ca-benh.expected.json", "w", encoding="utf-8") as f:
    json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
print(len(ok), "cases,", len(bad), "refused, max depth", max(depth[c["code"]] for c in ok))
