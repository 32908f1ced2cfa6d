"""Letters: the e-mail requests the manuals prescribe (RULES §5, seed 003; the kinds are data in
providers/letters.py), checked, sent through the outbox and tracked; and the listing of every e-mail.

Public surface: ``Letters`` (send, read, answered, mail), ``LetterMail`` (the worker's recorder), ``kinds``,
and the shapes ``LetterCreate``, ``LetterAnswer``, ``LetterOut``, ``MailOut``.
"""
from hub.letters.schemas import LetterAnswer, LetterCreate, LetterOut, MailOut
from hub.letters.service import ABOUT, LetterMail, Letters, kinds

__all__ = ["ABOUT", "LetterAnswer", "LetterCreate", "LetterMail", "LetterOut", "Letters", "MailOut", "kinds"]
