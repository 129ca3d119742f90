"""A commune's day on the API, for `.ci/load-test`: health staff reading
their lists and dashboard and recording contacts and reviews. Four in five
requests read, one in five writes. Every answer other than the expected
status counts as an error."""

import datetime
import os
import random

from locust import HttpUser, between, task

TOKEN = os.environ["PHONGDICH_TOKEN"]
UNIT = os.environ.get("PHONGDICH_UNIT", "06649")
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
# Vietnam's day (UTC+7), as the server counts.
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=7)).date()
NAMES = ["nguyen", "tran thi", "le van", "pham", "hoang", "vu", "dang", "bui"]


class HealthStaff(HttpUser):
    wait_time = between(0.0, 0.05)

    def on_start(self):
        r = self.client.get(f"/api/v1/persons?unit={UNIT}&limit=500", headers=HEADERS, name="setup")
        self.people = [p["id"] for p in r.json()["items"]]
        r = self.client.get("/api/v1/tracing/list?level=1&limit=200", headers=HEADERS, name="setup")
        self.f1 = [e["person_id"] for e in r.json()["entries"]] or self.people[:10]

    def get(self, path, name):
        with self.client.get(path, headers=HEADERS, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")

    @task(4)
    def search_people(self):
        self.get(f"/api/v1/persons?q={random.choice(NAMES)}&limit=20", "GET persons?q")

    @task(2)
    def tracing_counts(self):
        self.get("/api/v1/tracing/counts", "GET tracing/counts")

    @task(2)
    def f1_list(self):
        self.get("/api/v1/tracing/list?level=1&limit=50", "GET tracing/list")

    @task(2)
    def quarantine_day(self):
        self.get("/api/v1/quarantine/day", "GET quarantine/day")

    @task(1)
    def dashboard(self):
        self.get(f"/api/v1/dashboard?unit={UNIT}", "GET dashboard")

    @task(1)
    def report(self):
        self.get(f"/api/v1/reports/figures?unit={UNIT}", "GET reports/figures")

    @task(2)
    def record_contact(self):
        a, b = random.sample(self.people, 2)
        day = TODAY - datetime.timedelta(days=random.randint(1, 5))
        body = {
            "person_id": a,
            "other_person_id": b,
            "date": day.isoformat(),
            "setting": random.choice(["household", "workplace", "community"]),
            "duration_min": random.randint(5, 120),
            "closed_space": random.random() < 0.5,
        }
        with self.client.post("/api/v1/contacts", json=body, headers=HEADERS, name="POST contacts",
                              catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:200]}")

    @task(1)
    def review_contact(self):
        person = random.choice(self.f1)
        body = {"reviewed_on": TODAY.isoformat(), "outcome": "confirmed", "note": "Gọi điện, xác nhận"}
        with self.client.post(f"/api/v1/persons/{person}/contact-reviews", json=body, headers=HEADERS,
                              name="POST contact-reviews", catch_response=True) as r:
            if r.status_code not in (200, 201):
                r.failure(f"{r.status_code}: {r.text[:200]}")
