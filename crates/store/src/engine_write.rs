//! The one path of every write that changes classes: [`EngineWrite`] holds
//! the tracing engine's lock, the write's transaction and the undo of every
//! engine change made in it. Committed, the change stays; dropped before the
//! commit — an error returned with `?`, a request whose client went away
//! (axum drops the handler's future), a panic — the engine is put back as it
//! was, synchronously, in `Drop`. Dropped while the commit itself was under
//! way (or after a failed commit), the outcome is unknown: the engine is
//! discarded and loaded again from the tables on next use rather than
//! guessed. A panic also discards it: the engine may be what panicked.
//!
//! Invariant: outside a write holding the lock, the engine in memory (when
//! loaded) classifies exactly as a fresh load of the tables does, and equals
//! `person_classes` — [`Store::check_classes`] compares the three.
//!
//! It takes the engine lock, then begins the transaction (always in that
//! order), and changes the engine only through its methods, which keep an undo;
//! the write's rows, the class changes the engine returns and the audit entry
//! go in that transaction. Tests drop, abort, fail and panic writes at a
//! test-only failpoint (`arm_write_failpoint`) on both engines and compare with
//! `check_classes`. Bodies usable inside a caller's write: `confirm_case_in`,
//! `set_case_course_in`, `resync_classes_in`.

use crate::sql::days::parse_path;
use crate::{Result, Store, StoreError};
use phongdich_engine::{Assignment, Change, Day, Engine, Exposure, Status};
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{MutexGuard, Notify};

/// What to take back if the write does not commit.
enum Undo {
    Status(i64, Status),
    Contact {
        a: i64,
        b: i64,
        from: Day,
        to: Day,
        kind: Exposure,
    },
    /// The engine's day moved (an expiry sweep).
    Today(Day),
    /// The whole engine was replaced (a resync after a merge).
    Engine(Option<Engine>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Open,
    Committing,
    Done,
}

/// A write transaction holding the tracing engine (see the module). Take it
/// with [`Store::engine_write`]; change the engine only through its methods;
/// finish with [`EngineWrite::commit`].
pub(crate) struct EngineWrite<'a> {
    store: &'a Store,
    /// `None` for a write that turned out not to need the engine (e.g. a
    /// negative result): the same code path, without the lock.
    guard: Option<MutexGuard<'a, Option<Engine>>>,
    tx: Option<Transaction<'static, Any>>,
    undo: Vec<Undo>,
    stage: Stage,
}

impl Store {
    /// Take the engine (loaded from the tables on first use), then begin the
    /// transaction — always in this order, so writes never wait on each
    /// other crosswise (SQLite has one writing connection).
    pub(crate) async fn engine_write(&self) -> Result<EngineWrite<'_>> {
        self.begin_write(true, true).await
    }

    /// As [`Store::engine_write`] when `engine`, else a plain transaction
    /// with the same commit path (its engine methods then refuse).
    pub(crate) async fn engine_write_if(&self, engine: bool) -> Result<EngineWrite<'_>> {
        self.begin_write(engine, true).await
    }

    /// `lock`: take the engine's lock; `load`: load the engine if it is not.
    pub(crate) async fn begin_write(&self, lock: bool, load: bool) -> Result<EngineWrite<'_>> {
        let guard = if lock {
            let mut guard = self.tracing.lock().await;
            if load && guard.is_none() {
                *guard = Some(self.load_engine().await?);
            }
            Some(guard)
        } else {
            None
        };
        let tx = self.write.begin().await?;
        Ok(EngineWrite {
            store: self,
            guard,
            tx: Some(tx),
            undo: Vec::new(),
            stage: Stage::Open,
        })
    }

    /// Arm a test hook that stops the next class-changing write between its
    /// engine change and its commit. Test-only.
    #[doc(hidden)]
    pub fn arm_write_failpoint(&self, failpoint: WriteFailpoint) {
        if let Ok(mut f) = self.failpoint.lock() {
            *f = Some(failpoint);
        }
    }

    /// Compare the engine held in memory, the stored classes
    /// (`person_classes`) and a fresh load of the tables. Waits for the
    /// write under way, if any; does not load the engine.
    pub async fn check_classes(&self) -> Result<ClassCheck> {
        let guard = self.tracing.lock().await;
        let mut conn = self.read.acquire().await?;
        let fresh = self.load_engine_from(&mut conn).await?;
        let stored = stored_classes(&mut conn).await?;
        drop(conn);
        let fresh: HashMap<i64, &Assignment> = fresh.classes().collect();
        // The tables keep no last day of a class (`until`): the stored
        // classes are compared without it, the engine's with it.
        let differ = |other: &HashMap<i64, &Assignment>, with_until: bool| {
            let same = |a: &Assignment, b: &Assignment| {
                a.level == b.level
                    && a.since == b.since
                    && a.via_f0 == b.via_f0
                    && a.path == b.path
                    && (!with_until || a.until == b.until)
            };
            let mut out: Vec<i64> = fresh
                .iter()
                .filter(|(p, a)| !other.get(p).is_some_and(|b| same(a, b)))
                .map(|(p, _)| *p)
                .chain(other.keys().filter(|p| !fresh.contains_key(p)).copied())
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let stored_differs = differ(&stored.iter().map(|(p, a)| (*p, a)).collect(), false);
        let (engine_loaded, engine_differs) = match guard.as_ref() {
            Some(e) => (true, differ(&e.classes().collect(), true)),
            None => (false, Vec::new()),
        };
        Ok(ClassCheck {
            engine_loaded,
            engine_differs,
            stored_differs,
        })
    }
}

/// Where the engine in memory and the stored classes differ from a fresh
/// load of the tables (see [`Store::check_classes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassCheck {
    /// Whether an engine was held in memory (a write dropped during its
    /// commit leaves none, to be loaded again on next use).
    pub engine_loaded: bool,
    /// People whose class in memory differs from a fresh load.
    pub engine_differs: Vec<i64>,
    /// People whose stored class differs from a fresh load.
    pub stored_differs: Vec<i64>,
}

impl ClassCheck {
    pub fn agree(&self) -> bool {
        self.engine_differs.is_empty() && self.stored_differs.is_empty()
    }
}

/// Every stored class (`person_classes`), by person.
pub(crate) async fn stored_classes(conn: &mut AnyConnection) -> Result<HashMap<i64, Assignment>> {
    let mut stored = HashMap::new();
    for r in sqlx::query("SELECT person_id, level, since_on, via_f0, path FROM person_classes")
        .fetch_all(&mut *conn)
        .await?
    {
        stored.insert(
            r.try_get("person_id")?,
            Assignment {
                level: r.try_get::<i64, _>("level")? as u8,
                since: crate::sql::days::parse_day(&r.try_get::<String, _>("since_on")?)
                    .unwrap_or_default(),
                // The tables keep no last day of a class: compare classes
                // with `until` zeroed (see `without_until`).
                until: 0,
                via_f0: r.try_get("via_f0")?,
                path: parse_path(&r.try_get::<String, _>("path")?),
            },
        );
    }
    Ok(stored)
}

/// A test hook (see [`Store::arm_write_failpoint`]): what the next
/// class-changing write does just before its commit. Fires once.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum WriteFailpoint {
    /// Notify, then wait forever (the test drops or aborts the write).
    PauseBeforeCommit(Arc<Notify>),
    /// Panic.
    PanicBeforeCommit,
    /// Fail with an error, as a failed statement would.
    FailBeforeCommit,
    /// Notify, then wait forever once the commit counts as begun (its
    /// outcome unknown if dropped there).
    PauseInCommit(Arc<Notify>),
}

impl EngineWrite<'_> {
    /// The transaction, for statements and helpers that take one.
    pub(crate) fn tx(&mut self) -> &mut Transaction<'static, Any> {
        self.tx
            .as_mut()
            .expect("the transaction is open until commit")
    }

    /// The transaction's connection, as an executor (`.fetch_one(w.conn())`).
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        self.tx()
    }

    fn engine_mut(&mut self) -> Result<&mut Engine> {
        self.guard
            .as_mut()
            .and_then(|g| g.as_mut())
            .ok_or_else(|| StoreError::Data("the tracing engine is not held by this write".into()))
    }

    /// The engine as this write sees it (its own changes included).
    pub(crate) fn engine(&self) -> Result<&Engine> {
        self.guard
            .as_ref()
            .and_then(|g| g.as_ref())
            .ok_or_else(|| StoreError::Data("the tracing engine is not held by this write".into()))
    }

    /// Change a person's status in the engine; undone unless committed.
    pub(crate) fn set_status(&mut self, person: i64, status: Status) -> Result<Vec<Change>> {
        let engine = self.engine_mut()?;
        let old = engine.status(person);
        let changes = engine.set_status(person, status);
        self.undo.push(Undo::Status(person, old));
        Ok(changes)
    }

    /// Add a contact to the engine; undone unless committed.
    pub(crate) fn add_contact(
        &mut self,
        a: i64,
        b: i64,
        from: Day,
        to: Day,
        kind: Exposure,
    ) -> Result<Vec<Change>> {
        let changes = self.engine_mut()?.add_contact(a, b, from, to, kind);
        self.undo.push(Undo::Contact {
            a,
            b,
            from,
            to,
            kind,
        });
        Ok(changes)
    }

    /// Move the engine to a new day (classes whose period ended expire);
    /// undone unless committed.
    pub(crate) fn set_today(&mut self, today: Day) -> Result<Vec<Change>> {
        let e = self.engine_mut()?;
        let before = e.today();
        let changes = e.set_today(today);
        self.undo.push(Undo::Today(before));
        Ok(changes)
    }

    /// Put a new engine in place of the one held (or of none); the old one
    /// comes back unless committed. Needs the lock, not a loaded engine.
    pub(crate) fn replace_engine(&mut self, fresh: Engine) -> Result<()> {
        let guard = self.guard.as_mut().ok_or_else(|| {
            StoreError::Data("the tracing engine is not held by this write".into())
        })?;
        let old = guard.replace(fresh);
        self.undo.push(Undo::Engine(old));
        Ok(())
    }

    /// Commit the rows; the engine changes stay. If the commit fails or is
    /// dropped half way, the engine is discarded (reloaded on next use).
    pub(crate) async fn commit(mut self) -> Result<()> {
        let failpoint = self.store.failpoint.lock().ok().and_then(|mut f| f.take());
        match &failpoint {
            Some(WriteFailpoint::PauseBeforeCommit(reached)) => {
                reached.notify_one();
                std::future::pending::<()>().await;
            }
            Some(WriteFailpoint::PanicBeforeCommit) => {
                panic!("write failpoint: panic before commit")
            }
            Some(WriteFailpoint::FailBeforeCommit) => {
                return Err(StoreError::Data(
                    "write failpoint: failed before commit".into(),
                ));
            }
            _ => {}
        }
        self.stage = Stage::Committing;
        if let Some(WriteFailpoint::PauseInCommit(reached)) = failpoint {
            reached.notify_one();
            std::future::pending::<()>().await;
        }
        let tx = self
            .tx
            .take()
            .expect("the transaction is open until commit");
        tx.commit().await?;
        self.stage = Stage::Done;
        Ok(())
    }

    /// Roll back, the engine put back first.
    pub(crate) async fn rollback(mut self) -> Result<()> {
        self.revert();
        let tx = self
            .tx
            .take()
            .expect("the transaction is open until commit");
        self.stage = Stage::Done;
        tx.rollback().await?;
        Ok(())
    }

    fn revert(&mut self) {
        let Some(guard) = self.guard.as_mut() else {
            return;
        };
        while let Some(u) = self.undo.pop() {
            match u {
                Undo::Engine(old) => **guard = old,
                Undo::Status(person, old) => {
                    if let Some(e) = guard.as_mut() {
                        e.set_status(person, old);
                    }
                }
                Undo::Contact {
                    a,
                    b,
                    from,
                    to,
                    kind,
                } => {
                    if let Some(e) = guard.as_mut() {
                        e.remove_contact(a, b, from, to, kind);
                    }
                }
                Undo::Today(day) => {
                    if let Some(e) = guard.as_mut() {
                        e.set_today(day);
                    }
                }
            }
        }
    }
}

impl Drop for EngineWrite<'_> {
    fn drop(&mut self) {
        if self.stage == Stage::Done || self.guard.is_none() {
            return;
        }
        if std::thread::panicking() || self.stage == Stage::Committing {
            // A panic may have come from the engine itself, and a commit cut
            // short may or may not have landed: reload from the tables.
            tracing::warn!(
                "class write cut short during its commit or by a panic: the tracing engine will be reloaded"
            );
            if let Some(g) = self.guard.as_mut() {
                **g = None;
            }
        } else if !self.undo.is_empty() {
            tracing::info!("class write not committed: its engine changes are taken back");
            self.revert();
        }
        // The transaction, if still open, rolls back as it drops.
    }
}
