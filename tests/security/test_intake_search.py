"""Attacks on intake.search: a query that holds a worker, keys that are silently ignored, pages
without bounds.  Real service over RPC, both databases."""
import pytest

from tests.conftest import intake_call as call, intake_error as error_of

pytestmark = pytest.mark.integration


def refused(intake, token, field, **criteria):
    code, message, fields = error_of(intake, "search", token(), **criteria)
    assert code == "VALIDATION_ERROR" and field in fields, (code, message, fields)
    assert "SELECT" not in message + str(fields)
    return fields[field]


def test_a_query_of_a_hundred_thousand_words_is_refused_before_any_work(intake, token):
    refused(intake, token, "query", query="a " * 100_000)
    refused(intake, token, "query", query=" ".join(f"w{n}" for n in range(1200)))


def test_a_query_of_more_than_twenty_distinct_words_is_refused(intake, token):
    call(intake, "receive", token(), document={"subject": "Họp tổ đại biểu số 1"})
    words = [f"tu{n}" for n in range(21)]
    refused(intake, token, "query", query=" ".join(words))
    assert call(intake, "search", token(), query=" ".join(words[:20]))["total"] == 0
    repeated = "HỌP họp hop " * 40          # one word once diacritics and case are folded
    assert call(intake, "search", token(), query=repeated.strip())["total"] == 1


def test_unknown_search_keys_are_refused_naming_them(intake, token):
    call(intake, "receive", token(), document={"subject": "Công văn 412", "code_number": "412"})
    fields = refused(intake, token, "code_number", code_number="999")
    assert fields
    refused(intake, token, "no_such_filter", query="cong van", no_such_filter=1)


@pytest.mark.parametrize("criteria, field", [
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"limit": "all"}, "limit"),
    ({"offset": -1}, "offset"),
    ({"offset": 10 ** 9}, "offset"),
    ({"organ": "x" * 201}, "organ"),
    ({"doc_type": "x" * 101}, "doc_type"),
    ({"status": "anything"}, "status"),
    ({"date_from": "0001-01-01"}, "date_from"),
    ({"date_to": "9999-12-31"}, "date_to"),
    ({"query": ["a", "b"]}, "query"),
    ({"number": "4" * 61}, "number"),
    ({"number": "412/UBND-VP"}, "number"),
    ({"notation": "x" * 61}, "notation"),
    ({"notation": "   "}, "notation"),
    ({"waiting_for_direction": "maybe"}, "waiting_for_direction"),
    ({"date_from": "31/02/2026"}, "date_from"),
    ({"date_to": "01/01/0001"}, "date_to"),
    ({"date_from": "2026-12-02", "date_to": "01/12/2026"}, "date_from"),
])
def test_page_sizes_offsets_and_filters_are_bounded(intake, token, criteria, field):
    refused(intake, token, field, **criteria)


def test_a_number_and_notation_do_not_reveal_a_classified_document(intake, token):
    """A clerk with clearance 0 who knows a MẬT document's số, ký hiệu finds nothing, by query
    or by filter, exactly as if it did not exist."""
    call(intake, "receive", token(clearance=2), document={
        "subject": "Phương án bảo vệ", "secrecy": "mật", "code_number": "77",
        "code_notation": "PA-CA"})
    for criteria in ({"query": "77/PA-CA"}, {"query": "77"}, {"number": "77"},
                     {"notation": "PA-CA"}, {"number": "77", "waiting_for_direction": True}):
        assert call(intake, "search", token(), **criteria) == {"total": 0, "items": []}, criteria
    assert call(intake, "search", token(clearance=2), query="77/PA-CA")["total"] == 1
