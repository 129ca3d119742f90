//! Helpers shared by the end-to-end tests (`mod support;` in each).
#![allow(dead_code, clippy::unwrap_used)]

use phongdich_store::testing::TestDb;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// A running `phongdich serve`, killed when dropped.
pub struct Server {
    child: Child,
    base: String,
}

impl Server {
    pub fn start(db: &TestDb) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_phongdich"))
            .arg("--db")
            .arg(&db.url)
            // Test records are dated 2021: keep their classes.
            .args(["serve", "--listen", "127.0.0.1:0", "--no-class-expiry"])
            .env_remove("PHONGDICH_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("[serve] {line}");
                if let Some(rest) = line.strip_prefix("phongdich: http://") {
                    let addr = rest.split('/').next().unwrap_or_default().to_owned();
                    let _ = tx.send(addr);
                }
            }
        });
        let mut server = Server {
            child,
            base: String::new(),
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => server.base = format!("http://{addr}"),
            Err(_) => panic!(
                "phongdich serve printed no address (exit: {:?})",
                server.child.try_wait()
            ),
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Server {
    /// `kill -9`: the server gets no chance to finish anything.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run the binary on `db` with `args`; it must succeed.
pub fn phongdich(db: &TestDb, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_phongdich"))
        .arg("--db")
        .arg(&db.url)
        .args(args)
        .env_remove("PHONGDICH_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "phongdich {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Run the binary on `db` with `args`, `input` on its standard input; its
/// output whatever the exit.
pub fn phongdich_with_input(db: &TestDb, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phongdich"))
        .arg("--db")
        .arg(&db.url)
        .args(args)
        .env_remove("PHONGDICH_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
