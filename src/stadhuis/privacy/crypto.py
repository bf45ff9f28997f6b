"""Pseudonyms and encryption of the BSN.

The pseudonym is an HMAC-SHA256 of the BSN under a server key: stable, so that all
of a resident's data joins on it, and useless to anyone without the key. The BSN
itself is encrypted with Fernet (AES-128-CBC + HMAC, from the ``cryptography``
package); MultiFernet lets the city add a new key first and re-encrypt later.
Decryption is not exported from here: ``accounts.services.resident_reveal_bsn``
is the one reader, and it requires a processing activity.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def pseudonym_for_bsn(bsn: str) -> str:
    return hmac.new(settings.PSEUDONYM_KEY.encode(), bsn.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys])


def encrypt_bsn(bsn: str) -> bytes:
    return _fernet(tuple(settings.BSN_ENCRYPTION_KEYS)).encrypt(bsn.encode())


def _decrypt_bsn(token: bytes) -> str:
    return _fernet(tuple(settings.BSN_ENCRYPTION_KEYS)).decrypt(bytes(token)).decode()
