"""Comparing Vietnamese text the way people type it: without marks, "đ" as "d"."""
import unicodedata


def fold(text):
    """Lower-case ASCII skeleton of Vietnamese text: no tone or vowel marks, đ → d, one space.

    "Thông báo Kết luận" and "thong bao ket luan" fold alike, whichever tone-mark placement
    (hoà / hòa) or Unicode form the text came in.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())
