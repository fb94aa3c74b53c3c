#!/usr/bin/env python3
"""Check our Swift BPE tokenizer against the Hugging Face `tokenizers` package.

Loads the tokenizer.json that our `Tokenizer` module writes with `tokenizers.Tokenizer.from_file`
and compares, text by text, the ids it gives with the ids our Swift code gives. Not part of CI
(it needs `pip install tokenizers`); run it after changing the tokenizer and record the result
in docs/model.md.

Usage, from the repository root:

    swift build --build-tests
    python3 -m pip install tokenizers          # once
    python3 scripts/reference/check_tokenizer.py --workdir /tmp/tokcheck

That (1) writes WORKDIR/texts.jsonl, one JSON string per line: every line of README.md and
docs/*.md, each of those files whole, every string in maps/*.json, a list of tricky strings
and seeded random unicode strings; (2) runs the Swift test `ReferenceFilesTests`, which trains a
tokenizer on those texts (unless WORKDIR/tokenizer.json already exists, e.g. the shipped one),
writes WORKDIR/tokenizer.json and our ids to WORKDIR/ids.jsonl; (3) encodes every text with
`tokenizers` and compares ids and decoded text. Exit status 0 when every text matches.

Options: --all-scalars adds texts that hold every unicode scalar; --random N sets the number of random strings (default 1000); --text FILE (repeatable) adds a file's lines; --tokenizer PATH checks an existing
tokenizer.json instead of training; --vocab N sets the training vocabulary; --skip-swift
compares files already in WORKDIR; --package-path runs `swift test` in another package that
holds the same Tokenizer sources.
"""

import argparse
import glob
import json
import os
import random
import shutil
import subprocess
import sys

TRICKY = [
    "", " ", "  ", "\n", "\r\n", "\t", "a\0b", "\x7f\x1b[0m", "\x85\xa0\u2028\u3000", "\x1c\x1d",
    "Hello, world!", "   leading", "trailing   ", "I'm we'll they've 'tis WE'LL it's can't",
    "1,000.50 -42 ½ Ⅻ ٣٤ 12345678", "naïve café", "e\u0301\u0302", "🐈‍⬛🧶👩🏽‍🚀🇫🇷",
    "日本語のテキスト", "Привет мир", "مرحبا بالعالم", "\ufeffbom", "\u200bzero\u200dwidth",
    "\U0010ffff\ue000", "<|bos|>", "<|bos", "|>", "<|eos|><|eos|>", "x<|pad|>y",
    "<|bos|><|spec|>{\"region\": \"whiskerwood\"}<|title|>The Lost Bell<|desc|>Find it.<|eos|>",
    "a  b   c\n\n  d", "tab\t x", "ab" * 200, " " * 50, "🐈" * 20, "line1\nline2\r\n\r\n",
]

RANGES = [
    (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0x00, 0x1F), (0x80, 0xFF), (0x300, 0x36F),
    (0x400, 0x4FF), (0x600, 0x6FF), (0x3040, 0x30FF), (0x4E00, 0x4E80), (0x1F300, 0x1F64F),
    (0x2000, 0x206F), (0xE000, 0xE010), (0x2150, 0x218F), (0x0E00, 0x0E7F), (0x80, 0xD7FF), (0xE000, 0x10FFFF),
]


def byte_level_alphabet():
    """GPT-2's bytes_to_unicode: the character that stands for each byte, indexed by byte."""
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            table[byte] = chr(byte)
        else:
            table[byte] = chr(256 + extra)
            extra += 1
    return [table[byte] for byte in range(256)]


BYTE_LEVEL = byte_level_alphabet()


def repo_root():
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def json_strings(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            json_strings(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append(key)
            json_strings(item, out)


def sample_texts(root, extra_files, random_count):
    texts = []
    documents = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    for path in documents + list(extra_files):
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as handle:
            content = handle.read()
        texts.append(content)
        texts.extend(line for line in content.split("\n") if line)
    for path in sorted(glob.glob(os.path.join(root, "maps", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            json_strings(json.load(handle), texts)
    texts.extend(TRICKY)
    rng = random.Random(20251126)
    for _ in range(random_count):
        scalars = []
        for _ in range(rng.randrange(0, 60)):
            low, high = rng.choice(RANGES)
            scalars.append(chr(rng.randint(low, high)))
        texts.append("".join(scalars))
    return texts


def all_scalar_texts():
    """Every unicode scalar between a letter, a space, a digit and a tab, 64 scalars a text, so
    that a scalar classed differently (letter, number, space, other) splits differently."""
    scalars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    return ["".join(f"a{c} {c}1{c}\t{c}" for c in scalars[i:i + 64]) for i in range(0, len(scalars), 64)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", default="/tmp/tokcheck")
    parser.add_argument("--text", action="append", default=[], help="add every line of this file")
    parser.add_argument("--tokenizer", help="check this tokenizer.json instead of training one")
    parser.add_argument("--vocab", type=int, default=2048)
    parser.add_argument("--random", type=int, default=1000, help="how many seeded random unicode strings to add")
    parser.add_argument("--skip-swift", action="store_true", help="compare the files already in --workdir")
    parser.add_argument("--all-scalars", action="store_true", help="add texts holding every unicode scalar")
    parser.add_argument("--package-path", help="run `swift test` in this package (default: the repository)")
    args = parser.parse_args()

    from tokenizers import Tokenizer, __version__ as tokenizers_version

    root = repo_root()
    os.makedirs(args.workdir, exist_ok=True)
    texts_path = os.path.join(args.workdir, "texts.jsonl")
    tokenizer_path = os.path.join(args.workdir, "tokenizer.json")
    ids_path = os.path.join(args.workdir, "ids.jsonl")

    if not args.skip_swift:
        texts = sample_texts(root, args.text, args.random)
        if args.all_scalars:
            texts.extend(all_scalar_texts())
        with open(texts_path, "w", encoding="utf-8") as handle:
            for text in texts:
                handle.write(json.dumps(text) + "\n")
        if os.path.exists(tokenizer_path):
            os.remove(tokenizer_path)
        if args.tokenizer:
            shutil.copyfile(args.tokenizer, tokenizer_path)
        env = dict(os.environ, PURR_TOKENIZER_CHECK_DIR=args.workdir, PURR_TOKENIZER_CHECK_VOCAB=str(args.vocab))
        command = ["swift", "test", "--skip-build", "--filter", "TokenizerTests.ReferenceFilesTests"]
        result = subprocess.run(command, cwd=args.package_path or root, env=env, capture_output=True, text=True)
        if result.returncode != 0 or not os.path.exists(ids_path):
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            sys.exit("swift test failed; run `swift build --build-tests` first")

    with open(texts_path, encoding="utf-8") as handle:
        texts = [json.loads(line) for line in handle if line.strip()]
    with open(ids_path, encoding="utf-8") as handle:
        ours = [json.loads(line) for line in handle if line.strip()]
    with open(os.path.join(args.workdir, "pieces.jsonl"), encoding="utf-8") as handle:
        our_pieces = [json.loads(line) for line in handle if line.strip()]
    if not len(texts) == len(ours) == len(our_pieces):
        sys.exit(f"{len(texts)} texts but {len(ours)} id lists and {len(our_pieces)} piece lists")

    reference = Tokenizer.from_file(tokenizer_path)
    byte_for_char = {char: byte for byte, char in enumerate(BYTE_LEVEL)}
    piece_mismatches = 0
    for index, (text, pieces) in enumerate(zip(texts, our_pieces)):
        theirs = [bytes(byte_for_char[c] for c in piece) for piece, _ in reference.pre_tokenizer.pre_tokenize_str(text)]
        if theirs != [piece.encode("utf-8", "surrogatepass") for piece in pieces]:
            piece_mismatches += 1
            if piece_mismatches <= 10:
                print(f"PRE-TOKENIZER MISMATCH text {index}: {text[:80]!r}\n  ours:   {pieces[:20]}\n  theirs: {theirs[:20]}")
    mismatches = 0
    decode_mismatches = 0
    tokens = 0
    for index, (text, our_ids) in enumerate(zip(texts, ours)):
        their_ids = reference.encode(text, add_special_tokens=False).ids
        tokens += len(their_ids)
        if their_ids != our_ids:
            mismatches += 1
            if mismatches <= 10:
                print(f"MISMATCH text {index}: {text[:80]!r}\n  ours:   {our_ids[:40]}\n  theirs: {their_ids[:40]}")
        if reference.decode(our_ids, skip_special_tokens=False) != text:
            decode_mismatches += 1
            if decode_mismatches <= 10:
                print(f"DECODE MISMATCH text {index}: {text[:80]!r}")

    print(f"tokenizers {tokenizers_version}; {tokenizer_path}: vocab {reference.get_vocab_size()}")
    print(f"{len(texts)} texts, {tokens} tokens: {len(texts) - mismatches} with identical ids, "
          f"{mismatches} different; {piece_mismatches} split differently by the pre-tokenizer; "
          f"{decode_mismatches} decode differently")
    sys.exit(1 if mismatches or piece_mismatches or decode_mismatches else 0)


if __name__ == "__main__":
    main()
