"""`vanphong demo` (what `make run` shows a newcomer) runs the whole loop on the running suite."""


def test_demo_takes_a_document_through_the_whole_loop(suite):
    shown = suite.cli("demo", check=True, timeout=180)
    lines = [line for line in shown.stdout.splitlines() if line[:2] in {f"{n}." for n in range(1, 8)}]
    assert [line[:2] for line in lines] == ["1.", "2.", "4.", "5.", "6.", "7."]
    assert "3. notify: the leader's inbox" in shown.stdout
    assert "status done" in shown.stdout and "on time True" in shown.stdout
