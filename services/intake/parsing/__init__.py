"""Reading Vietnamese administrative texts (Nghị định 30/2020, Party format, news articles).

    from services.intake.parsing import parse_document
"""
from services.intake.parsing.document import parse_document

__all__ = ["parse_document"]
