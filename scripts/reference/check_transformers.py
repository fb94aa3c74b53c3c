#!/usr/bin/env python3
"""Cross-check of the shipped quest model with the Hugging Face stack (run outside CI).

Loads the model directory with `transformers.LlamaForCausalLM` (config.json + model.safetensors)
and `tokenizers.Tokenizer` (tokenizer.json), tokenizes the same held-out samples that
`purr logits` wrote, and compares:
  1. token ids: ours against `tokenizers` (must be identical);
  2. logits: ours (training forward pass, and the inference session with its KV cache)
     against transformers run in float64, the exact answer both float32 programs approximate
     (max |difference| must be below 1e-4); transformers in float32 is reported beside it, as
     a measure of how far two float32 implementations drift apart by summation order alone.
Exits non-zero when a check fails.

    swift build -c release --product purr
    .build/release/purr logits --model assets/models/quest --corpus quests --samples 16 --out /tmp/logits
    python3 scripts/reference/check_transformers.py assets/models/quest /tmp/logits

Needs: torch (CPU build), transformers, tokenizers, numpy.
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
import tokenizers
import transformers


def main(model_dir, logits_dir):
    model_dir, logits_dir = Path(model_dir), Path(logits_dir)
    manifest = json.loads((logits_dir / "tokens.json").read_text())
    vocab = manifest["vocab"]
    texts, ours_ids = manifest["texts"], manifest["tokens"]

    tok = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    bos = tok.token_to_id("<|bos|>")
    id_mismatches = 0
    for text, ids in zip(texts, ours_ids):
        theirs = ([bos] + tok.encode(text, add_special_tokens=False).ids)[: len(ids)]
        if theirs != ids:
            id_mismatches += 1
        if tok.decode(tok.encode(text, add_special_tokens=False).ids) != text:
            print("round trip differs for a sample")
            id_mismatches += 1
    print(f"token ids: {len(texts)} samples, {sum(map(len, ours_ids))} tokens, {id_mismatches} mismatches")

    torch.set_num_threads(2)
    reference = {}
    for dtype in (torch.float64, torch.float32):
        model = transformers.LlamaForCausalLM.from_pretrained(str(model_dir), torch_dtype=dtype)
        model.eval()
        rows = []
        with torch.no_grad():
            for ids in ours_ids:
                out = model(torch.tensor([ids], dtype=torch.long))
                rows.append(out.logits[0].to(torch.float64).numpy())
        reference[dtype] = np.concatenate(rows)
    exact = reference[torch.float64]
    print(f"logit range [{exact.min():.2f}, {exact.max():.2f}]")

    def compare(label, ours, theirs):
        diff = np.abs(ours - theirs)
        same_argmax = float(np.mean(ours.argmax(-1) == theirs.argmax(-1)))
        print(f"{label}: {ours.shape[0]} positions x {vocab}: max |diff| {diff.max():.3g}, "
              f"mean {diff.mean():.3g}, same argmax {same_argmax:.4f}")
        return diff.max()

    ok = id_mismatches == 0
    compare("transformers float32 vs transformers float64", reference[torch.float32], exact)
    for name in ("logits.f32", "logits-kvcache.f32"):
        ours = np.fromfile(logits_dir / name, dtype="<f4").astype(np.float64).reshape(-1, vocab)
        assert ours.shape == exact.shape, (ours.shape, exact.shape)
        worst = compare(f"ours {name} vs transformers float64", ours, exact)
        compare(f"ours {name} vs transformers float32", ours, reference[torch.float32])
        ok = ok and worst < 1e-4
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, tokenizers {tokenizers.__version__}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
