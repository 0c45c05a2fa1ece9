"""intake figures, printed (never asserted): parse speed, ingest throughput, search latency.

    .venv/bin/python bench/intake_bench.py [--ingest 10000] [--search-rows 100000]

1. parse_document on the corpus seeds, documents/second in this process (aim ≥ 500).
2. `vanphong ingest` of N generated documents end to end (CLI → RabbitMQ → intake → PostgreSQL,
   events through the outbox), documents/second (aim ≥ 200).
3. intake.search over M documents on PostgreSQL, p50/p99 of a mix of queries (aim p99 ≤ 100 ms).
Each run uses its own vhost and its own PostgreSQL database, dropped at the end.
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("VANPHONG_CORPUS", REPO.parent / "shared" / "corpus"))
API = os.environ.get("RABBIT_MANAGEMENT_API", "http://127.0.0.1:15672")
PG_ADMIN = os.environ.get("VANPHONG_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
GUEST = ("guest", "guest")
OFFICE = "DT-VPHDND"
ORGANS = ["UBND tỉnh Đồng Tháp", "Sở Nội vụ", "Sở Tài chính", "Ban Kinh tế - Ngân sách",
          "Đảng ủy Khối các cơ quan", "Ủy ban MTTQ tỉnh", "Sở Giáo dục và Đào tạo"]
TYPES = [("Thông báo", "TB"), ("Báo cáo", "BC"), ("Kế hoạch", "KH"), ("Tờ trình", "TTr"),
         ("Quyết định", "QĐ"), ("Giấy mời", "GM")]
TOPICS = ["kỳ họp thường lệ cuối năm", "giám sát chuyên đề đất đai", "tiếp xúc cử tri",
          "dự toán ngân sách năm 2027", "cải cách hành chính", "phòng chống thiên tai",
          "tổng kết công tác thi đua khen thưởng", "chuyển đổi số cơ quan dân cử",
          "giải quyết đơn thư khiếu nại", "đào tạo bồi dưỡng cán bộ"]


def generated_text(n, rng):
    type_name, abbr = rng.choice(TYPES)
    organ = rng.choice(ORGANS)
    day = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
    topic = rng.choice(TOPICS)
    return (f"{organ.upper()}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"Số: {n}/{abbr}-VP\n{'Đồng Tháp'}, ngày {day.day} tháng {day.month} năm {day.year}\n\n"
            f"{type_name.upper()}\nVề {topic} (văn bản số {n})\n\n"
            f"Căn cứ chương trình công tác năm 2026, {organ} thông báo nội dung về {topic}.\n"
            f"Giao Văn phòng chủ trì, phối hợp với các Ban chuẩn bị nội dung, "
            f"hoàn thành trước ngày {min(28, day.day)}/12/2026.\n\n"
            f"Nơi nhận:\n- Thường trực HĐND tỉnh;\n- Lưu: VT, TH.\n\nTM. ỦY BAN\nCHỦ TỊCH\n\n"
            f"Nguyễn Văn {chr(65 + n % 26)}\n")


def bench_parse(rounds):
    from services.intake.parsing import parse_document

    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "seeds").glob("*.txt"))]
    for text_ in texts:
        parse_document(text_)
    started = time.perf_counter()
    for _ in range(rounds):
        for text_ in texts:
            parse_document(text_)
    elapsed = time.perf_counter() - started
    count = rounds * len(texts)
    chars = sum(map(len, texts)) / len(texts)
    print(f"parse_document: {count} seed documents (avg {chars:.0f} chars) in {elapsed:.2f} s "
          f"= {count / elapsed:.0f} docs/s (aim ≥ 500)")
    synthetic = [generated_text(n, random.Random(n)) for n in range(500)]
    started = time.perf_counter()
    for text_ in synthetic:
        parse_document(text_)
    elapsed = time.perf_counter() - started
    print(f"parse_document: 500 one-page generated documents = {500 / elapsed:.0f} docs/s")


class Environment:
    """A vhost, a PostgreSQL database and an intake process, all removed at the end."""

    def __init__(self, replicas=1):
        self.replicas = replicas

    def __enter__(self):
        self.vhost = f"vanphong-bench-{uuid.uuid4().hex[:8]}"
        requests.put(f"{API}/api/vhosts/{self.vhost}", auth=GUEST, timeout=5).raise_for_status()
        requests.put(f"{API}/api/permissions/{self.vhost}/guest", auth=GUEST, timeout=5,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        self.database = f"vp_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.database}"'))
        admin.dispose()
        self.db_url = str(make_url(PG_ADMIN).set(database=self.database))
        self.var = Path(tempfile.mkdtemp(prefix="vanphong-bench-"))
        self.env = {**os.environ, "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{self.vhost}",
                    "INTAKE_DB_URL": self.db_url, "VANPHONG_VAR": str(self.var), "COLUMNS": "200"}
        subprocess.run([sys.executable, "-m", "shared.cli", "up", "-s", "intake", "--detach",
                        "--replicas", str(self.replicas)],
                       env=self.env, check=True, capture_output=True, timeout=120)
        return self

    def __exit__(self, *exc):
        subprocess.run([sys.executable, "-m", "shared.cli", "down", "-s", "intake"],
                       env=self.env, capture_output=True, timeout=60)
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name"), {"name": self.database})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database}"'))
        admin.dispose()
        requests.delete(f"{API}/api/vhosts/{self.vhost}", auth=GUEST, timeout=10)


def bench_ingest(environment, count, token):
    folder = environment.var / "ingest"
    folder.mkdir()
    rng = random.Random(7)
    for n in range(1, count + 1):
        (folder / f"{n:06d}.txt").write_text(generated_text(n, rng), encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "shared.cli", "ingest", str(folder),
                             "--token", token, "--in-flight", "4"], env=environment.env,
                            capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    summary = result.stdout.split("ingest summary")[-1].strip().splitlines()[-2:]
    print(f"vanphong ingest: {count} generated documents in {elapsed:.1f} s = "
          f"{count / elapsed:.0f} docs/s on PostgreSQL (aim ≥ 200); exit {result.returncode}")
    print("  " + " ".join(line.strip() for line in summary))


def fill_documents(db_url, total, start):
    """Rows written straight into intake's table (the search bench needs volume, not ingest)."""
    from services.intake.models import Document
    from shared.text import fold

    engine = create_engine(db_url)
    rng = random.Random(11)
    batch = []
    now = datetime.now(timezone.utc)
    for n in range(start, total):
        type_name, abbr = rng.choice(TYPES)
        organ = rng.choice(ORGANS)
        subject = f"Về {rng.choice(TOPICS)} đợt {n % 97}"
        batch.append(dict(office=OFFICE, direction="in", channel="paper", status="registered",
                          arrival_year=2026, arrival_number=100000 + n, arrival_date=date(2026, 6, 1),
                          code_number=str(n), code_notation=f"{abbr}-VP", organ_name=organ,
                          type_name=type_name, doc_type=abbr, subject=subject, secrecy_level=0,
                          search_text=fold(f"{type_name} {n} {abbr}-VP {subject} {organ}"),
                          created_at=now, created_by="bench"))
        if len(batch) == 5000:
            with engine.begin() as connection:
                connection.execute(insert(Document), batch)
            batch = []
    if batch:
        with engine.begin() as connection:
            connection.execute(insert(Document), batch)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE document"))
    engine.dispose()


def bench_search(environment, total, token):
    from shared.config import load_config
    from shared.rpc_client import suite_proxy

    engine = create_engine(environment.db_url)
    with engine.connect() as connection:
        existing = connection.execute(text("SELECT count(*) FROM document")).scalar_one()
    engine.dispose()
    fill_documents(environment.db_url, total, existing)
    queries = [{"query": "thong bao ky hop"}, {"query": "giam sat dat dai"},
               {"query": "tiếp xúc cử tri", "organ": "so noi vu"}, {"query": "chuyen doi so"},
               {"query": "du toan ngan sach", "doc_type": "BC"}, {"query": "dot 42"},
               {"query": "khong co van ban nao nhu the nay"}]
    config = {**load_config(), "AMQP_URI": environment.env["AMQP_URI"]}
    latencies = []
    with suite_proxy(config, token=token, timeout=30) as proxy:
        for query in queries:
            proxy.intake.search(**query)
        for _ in range(30):
            for query in queries:
                started = time.perf_counter()
                proxy.intake.search(**query)
                latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"intake.search over {total} documents on PostgreSQL: {len(latencies)} calls, "
          f"p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms (aim p99 ≤ 100 ms; "
          f"includes the RPC round trip)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parse-rounds", type=int, default=100)
    parser.add_argument("--ingest", type=int, default=10000)
    parser.add_argument("--search-rows", type=int, default=100000)
    parser.add_argument("--replicas", type=int, default=1, help="intake processes")
    args = parser.parse_args()
    logging.getLogger("amqp").setLevel(logging.ERROR)
    sys.path.insert(0, str(REPO))
    bench_parse(args.parse_rounds)
    from shared.auth import mint_token
    from shared.config import load_config

    token = mint_token(load_config(), "bench", OFFICE, ["clerk"])
    print(f"intake processes: {args.replicas}")
    with Environment(args.replicas) as environment:
        if args.ingest:
            bench_ingest(environment, args.ingest, token)
        if args.search_rows:
            bench_search(environment, args.search_rows, token)


if __name__ == "__main__":
    main()
