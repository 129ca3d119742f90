#![allow(clippy::unwrap_used)]
//! `kill -9` in the middle of work (issue 16, "Crash"): an import killed
//! between its batches keeps exactly the batches it committed, and running
//! it again completes the file without a duplicate; a server killed while
//! clients write keeps every write it acknowledged and nothing twice. Runs on
//! SQLite, or on PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use phongdich_store::Actor;
use phongdich_store::testing::{HA_KHANH, TestDb};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{Server, phongdich};

const ROWS: usize = 8_000;
const BATCH: usize = 500;

/// The national ID of the `i`th man: born in 1980 + i % 20 (as it encodes).
fn national_id(i: usize) -> String {
    format!("022{:01}{:02}{:06}", 0, 80 + i % 20, i)
}

fn people_file(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("nguoi.csv");
    let mut csv = String::from("Họ và tên,Năm sinh,Giới tính,Số CCCD,Mã xã\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "Nguyễn Văn An,{},Nam,{},{HA_KHANH}\n",
            1980 + i % 20,
            national_id(i)
        ));
    }
    std::fs::write(&file, csv).unwrap();
    file
}

/// After a `kill -9` of a client of PostgreSQL, a transaction whose commit
/// was already sent still lands a moment later: wait until the writes of
/// the killed process have settled (the table's rows unchanged for 300 ms).
async fn settled(db: &TestDb, table: &str) {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let mut last = db.count(&sql).await;
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = db.count(&sql).await;
        if now == last {
            return;
        }
        last = now;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_between_batches_keeps_whole_batches_and_resumes_without_duplicates() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = people_file(dir.path());
    let report = dir.path().join("report.csv");
    let args = |r: &std::path::Path| {
        vec![
            "--db".to_owned(),
            db.url.clone(),
            "import".into(),
            "persons".into(),
            file.to_str().unwrap().into(),
            "--report".into(),
            r.to_str().unwrap().into(),
            "--allow-likely-duplicates".into(),
            "--batch".into(),
            BATCH.to_string(),
        ]
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_phongdich"))
        .args(args(&report))
        .env_remove("PHONGDICH_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once a few batches are in, well before the end.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let n = db.count("SELECT COUNT(*) FROM persons").await;
        if n >= 3 * BATCH as i64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import never got going ({n} rows)"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it was killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    settled(&db, "persons").await;
    let kept = db.count("SELECT COUNT(*) FROM persons").await;
    assert!(kept < ROWS as i64, "killed before the end ({kept} rows)");
    assert_eq!(
        kept % BATCH as i64,
        0,
        "only whole batches are kept: {kept}"
    );

    // Again, to the end: the rows already in are refused by their national
    // ID, the others imported; nobody twice.
    let again = dir.path().join("again.csv");
    let out = phongdich(
        &db,
        &args(&again)[2..]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("{} đã nhập / imported", ROWS as i64 - kept)),
        "{said}"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM persons").await, ROWS as i64);
    assert_eq!(
        db.count("SELECT COUNT(DISTINCT national_id) FROM persons")
            .await,
        ROWS as i64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_clients_write_keeps_every_acknowledged_write_once() {
    let db = TestDb::new().await;
    let (_, token) = db
        .store
        .create_api_token(&Actor::system("test"), "crash", HA_KHANH, "health_staff")
        .await
        .unwrap();
    let mut server = Server::start(&db);
    let url = server.url("/api/v1/persons");
    let acknowledged = Arc::new(Mutex::new(Vec::<(i64, String)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (url, token) = (url.clone(), token.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut attempts = 0;
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let n = 100_000 * (w + 1) + i;
                    let nid = national_id(n);
                    attempts += 1;
                    let body = serde_json::json!({"full_name": "Trần Văn Bình", "birth": (1980 + n % 20).to_string(), "sex": "nam",
                        "national_id": nid, "commune_code": HA_KHANH, "confirm_not_duplicate": true});
                    match ureq::post(&url)
                        .set("Authorization", &format!("Bearer {token}"))
                        .send_json(body)
                    {
                        Ok(r) if r.status() == 201 => {
                            let v: serde_json::Value = r.into_json().unwrap();
                            acknowledged.lock().unwrap().push((v["id"].as_i64().unwrap(), nid));
                        }
                        Ok(r) => panic!("unexpected answer {}", r.status()),
                        Err(ureq::Error::Status(code, r)) => {
                            panic!("refused {code}: {}", r.into_string().unwrap_or_default())
                        }
                        // The server is gone: this write may or may not have landed.
                        Err(_) => break,
                    }
                }
                attempts
            })
        })
        .collect();
    // Let them write, then kill the server under their feet.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 200 {
        assert!(Instant::now() < deadline, "the writers never got going");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill_hard();
    stop.store(true, Ordering::Relaxed);
    let attempts: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
    let acknowledged = acknowledged.lock().unwrap().clone();
    settled(&db, "persons").await;

    // Every acknowledged write is there, once; at most one more per writer
    // (the request in flight when the server died).
    let stored = db.count("SELECT COUNT(*) FROM persons").await as usize;
    let distinct = db
        .count("SELECT COUNT(DISTINCT national_id) FROM persons")
        .await as usize;
    assert_eq!(stored, distinct, "nothing twice");
    assert!(
        stored >= acknowledged.len() && stored <= acknowledged.len() + 4 && stored <= attempts,
        "{stored} stored, {} acknowledged, {attempts} attempted",
        acknowledged.len()
    );
    for (id, nid) in &acknowledged {
        let found = db
            .strings(&format!("SELECT national_id FROM persons WHERE id = {id}"))
            .await;
        assert_eq!(found, [Some(nid.clone())], "acknowledged person {id} kept");
    }
    // The server starts again on the same records and answers.
    let again = Server::start(&db);
    let r = ureq::get(&again.url("/api/v1/persons?limit=1"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_communes_send_reports_keeps_each_acknowledged_report_whole_and_once()
{
    let db = TestDb::new().await;
    // Four communes of Hạ Long, each sending its reports for day after day.
    let communes = ["06649", "06652", "06655", "06658"];
    let mut tokens = Vec::new();
    for c in communes {
        let (_, t) = db
            .store
            .create_api_token(&Actor::system("test"), "crash", c, "health_staff")
            .await
            .unwrap();
        tokens.push((c, t));
    }
    let mut server = Server::start(&db);
    let url = server.url("/api/v1/reports");
    let acknowledged = Arc::new(Mutex::new(Vec::<(i64, serde_json::Value)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let today = phongdich_domain::Clock::system().today();
    let senders: Vec<_> = tokens
        .into_iter()
        .map(|(unit, token)| {
            let url = url.clone();
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                for back in 0..300u64 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let day = (today - chrono::Days::new(back)).to_string();
                    let body = serde_json::json!({"unit_code": unit, "from": day, "to": day,
                        "comments": "Tình hình ổn định"});
                    match ureq::post(&url)
                        .set("Authorization", &format!("Bearer {token}"))
                        .send_json(body)
                    {
                        Ok(r) if r.status() == 201 => {
                            let v: serde_json::Value = r.into_json().unwrap();
                            let id = v["id"].as_i64().unwrap();
                            acknowledged.lock().unwrap().push((id, v));
                        }
                        Ok(r) => panic!("unexpected answer {}", r.status()),
                        Err(ureq::Error::Status(code, r)) => {
                            panic!("refused {code}: {}", r.into_string().unwrap_or_default())
                        }
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().unwrap().len() < 40 {
        assert!(Instant::now() < deadline, "the senders never got going");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill_hard();
    stop.store(true, Ordering::Relaxed);
    for s in senders {
        s.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    settled(&db, "situation_reports").await;

    // One report per unit and day (no period twice), each with its audit
    // entry (written in the same transaction), at most one more per sender
    // than acknowledged; every acknowledged one stored as it was answered.
    let stored = db.count("SELECT COUNT(*) FROM situation_reports").await as usize;
    let periods = db.count(
        "SELECT COUNT(*) FROM (SELECT DISTINCT unit_code, period_from, period_to FROM situation_reports) x",
    )
    .await as usize;
    let audited = db.count(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'situation_report' AND action = 'submit'",
    )
    .await as usize;
    assert_eq!(stored, periods, "no period sent twice");
    assert_eq!(stored, audited, "every stored report has its audit entry");
    assert!(
        stored >= acknowledged.len() && stored <= acknowledged.len() + communes.len(),
        "{stored} stored, {} acknowledged",
        acknowledged.len()
    );
    let again = Server::start(&db);
    let token = db
        .store
        .create_api_token(&Actor::system("test"), "check", "193", "health_staff")
        .await
        .unwrap()
        .1;
    for (id, sent) in &acknowledged {
        let r = ureq::get(&again.url(&format!("/api/v1/reports/{id}")))
            .set("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap();
        let stored: serde_json::Value = r.into_json().unwrap();
        assert!(sent["figures"]["figures"].is_object(), "{sent}");
        assert_eq!(
            stored["figures"], sent["figures"],
            "report {id} kept as sent"
        );
    }
}
