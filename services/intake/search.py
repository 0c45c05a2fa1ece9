"""Finding documents: diacritics-insensitive ("thong bao ket luan" finds "Thông báo kết luận",
"d" matches "đ"), filtered, ranked by where the words occur."""
from sqlalchemy import func, or_, select

from services.intake.models import Document
from shared.text import fold

CANDIDATES = 1000


def search_text(document):
    parts = [document.type_name, document.code_number, document.code_notation, document.subject,
             document.organ_name, document.signer_full_name, (document.content or "")[:4000]]
    return fold(" ".join(part for part in parts if part))


def score(subject, folded_text, tokens, phrase):
    subject = fold(subject)
    points = 5 if phrase and phrase in subject else 0
    points += sum(2 for token in tokens if token in subject)
    points += sum(1 for token in tokens if token in (folded_text or ""))
    return points


def search(session, office, clearance, query="", filters=None, limit=20, offset=0):
    """(total candidates, ranked page) of the office's documents the caller may see."""
    filters = filters or {}
    phrase = fold(query)
    tokens = phrase.split()
    statement = select(Document.id, Document.subject, Document.search_text).where(
        Document.office == office, Document.secrecy_level <= clearance)
    for token in tokens:
        statement = statement.where(Document.search_text.contains(token, autoescape=True))
    if filters.get("direction"):
        statement = statement.where(Document.direction == filters["direction"])
    if filters.get("doc_type"):
        statement = statement.where(or_(Document.doc_type == filters["doc_type"],
                                        Document.type_name == filters["doc_type"]))
    if filters.get("organ"):
        statement = statement.where(
            Document.search_text.contains(fold(filters["organ"]), autoescape=True))
    if filters.get("priority"):
        statement = statement.where(Document.priority == filters["priority"])
    if filters.get("status"):
        statement = statement.where(Document.status == filters["status"])
    day = func.coalesce(Document.arrival_date, Document.issued_date)
    if filters.get("date_from"):
        statement = statement.where(day >= filters["date_from"])
    if filters.get("date_to"):
        statement = statement.where(day <= filters["date_to"])
    candidates = session.execute(statement.order_by(Document.id.desc()).limit(CANDIDATES)).all()
    ranked = sorted(candidates, key=lambda row: (-score(row.subject, row.search_text, tokens,
                                                        phrase), -row.id))
    page = [row.id for row in ranked[offset:offset + limit]]
    documents = {d.id: d for d in session.execute(
        select(Document).where(Document.id.in_(page))).scalars()} if page else {}
    return len(candidates), [documents[document_id] for document_id in page]
