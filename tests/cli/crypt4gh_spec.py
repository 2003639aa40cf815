#!/usr/bin/python3
# An independent, minimal crypt4gh v1 implementation written from the GA4GH specification (hts-specs crypt4gh.pdf,
# sections 3.2-3.4) and the reference key format, with PyNaCl (Debian python3-nacl). The command-line tests use it
# to check that files and keys written by wgskit follow the specification, and that wgskit reads files it did not
# write itself.
#   crypt4gh_spec.py encrypt RECIPIENT.pub < plain > sealed
#   crypt4gh_spec.py decrypt READER.sec < sealed > plain
#   crypt4gh_spec.py keygen NAME            (NAME.pub, NAME.sec; unprotected "none"/"none" key)
import base64
import os
import struct
import sys

from nacl.bindings import (crypto_aead_chacha20poly1305_ietf_decrypt, crypto_aead_chacha20poly1305_ietf_encrypt,
                           crypto_scalarmult, crypto_scalarmult_base)
from nacl.hash import blake2b
from nacl.encoding import RawEncoder

SEGMENT = 65536


def pem_body(path, kind):
    lines = open(path).read().strip().splitlines()
    assert lines[0] == f'-----BEGIN CRYPT4GH {kind} KEY-----', lines[0]
    assert lines[-1] == f'-----END CRYPT4GH {kind} KEY-----', lines[-1]
    return base64.b64decode(''.join(lines[1:-1]))


def read_public(path):
    key = pem_body(path, 'PUBLIC')
    assert len(key) == 32
    return key


def read_secret(path):
    data = pem_body(path, 'PRIVATE')
    assert data[:7] == b'c4gh-v1'
    pos = 7
    fields = []
    while pos < len(data):
        n = struct.unpack('>H', data[pos:pos + 2])[0]
        fields.append(data[pos + 2:pos + 2 + n])
        pos += 2 + n
    kdf, cipher, key = fields[0], fields[1], fields[2]
    assert kdf == b'none' and cipher == b'none' and len(key) == 32, (kdf, cipher)
    return key


def shared_key(own_secret, peer_public, reader_public, writer_public):
    dh = crypto_scalarmult(own_secret, peer_public)
    return blake2b(dh + reader_public + writer_public, digest_size=64, encoder=RawEncoder)[:32]


def encrypt(recipient_pub):
    writer_sk = os.urandom(32)
    writer_pk = crypto_scalarmult_base(writer_sk)
    data_key = os.urandom(32)
    payload = struct.pack('<II', 0, 0) + data_key
    nonce = os.urandom(12)
    sealed = crypto_aead_chacha20poly1305_ietf_encrypt(payload, None, nonce,
                                                        shared_key(writer_sk, recipient_pub, recipient_pub, writer_pk))
    packet = struct.pack('<I', 0) + writer_pk + nonce + sealed
    out = sys.stdout.buffer
    out.write(b'crypt4gh' + struct.pack('<II', 1, 1) + struct.pack('<I', 4 + len(packet)) + packet)
    inp = sys.stdin.buffer
    while True:
        segment = inp.read(SEGMENT)
        if not segment:
            break
        nonce = os.urandom(12)
        out.write(nonce + crypto_aead_chacha20poly1305_ietf_encrypt(segment, None, nonce, data_key))


def decrypt(reader_sk):
    reader_pk = crypto_scalarmult_base(reader_sk)
    inp = sys.stdin.buffer
    head = inp.read(16)
    assert head[:8] == b'crypt4gh', 'magic'
    version, count = struct.unpack('<II', head[8:16])
    assert version == 1
    keys = []
    for _ in range(count):
        length = struct.unpack('<I', inp.read(4))[0]
        packet = inp.read(length - 4)
        method = struct.unpack('<I', packet[:4])[0]
        if method != 0:
            continue
        writer_pk, nonce, sealed = packet[4:36], packet[36:48], packet[48:]
        try:
            plain = crypto_aead_chacha20poly1305_ietf_decrypt(
                sealed, None, nonce, shared_key(reader_sk, writer_pk, reader_pk, writer_pk))
        except Exception:
            continue
        ptype, dmethod = struct.unpack('<II', plain[:8])
        assert ptype == 0 and dmethod == 0, (ptype, dmethod)
        keys.append(plain[8:40])
    if not keys:
        sys.exit('no header packet for this key')
    out = sys.stdout.buffer
    while True:
        segment = inp.read(SEGMENT + 28)
        if not segment:
            break
        for key in keys:
            try:
                out.write(crypto_aead_chacha20poly1305_ietf_decrypt(segment[12:], None, segment[:12], key))
                break
            except Exception:
                pass
        else:
            sys.exit('segment authentication failed')


def keygen(name):
    sk = os.urandom(32)
    pk = crypto_scalarmult_base(sk)
    with open(name + '.pub', 'w') as f:
        f.write('-----BEGIN CRYPT4GH PUBLIC KEY-----\n' + base64.b64encode(pk).decode() +
                '\n-----END CRYPT4GH PUBLIC KEY-----\n')
    blob = b'c4gh-v1' + b'\x00\x04none' + b'\x00\x04none' + b'\x00\x20' + sk
    with open(name + '.sec', 'w') as f:
        f.write('-----BEGIN CRYPT4GH PRIVATE KEY-----\n' + base64.b64encode(blob).decode() +
                '\n-----END CRYPT4GH PRIVATE KEY-----\n')


if __name__ == '__main__':
    command, arg = sys.argv[1], sys.argv[2]
    if command == 'encrypt':
        encrypt(read_public(arg))
    elif command == 'decrypt':
        decrypt(read_secret(arg))
    elif command == 'keygen':
        keygen(arg)
