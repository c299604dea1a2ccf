"""Build a tiny but genuine Argos Translate package: a CTranslate2 Transformer made from a
spec, a SentencePiece model trained on the seeds, and a metadata.json.

No network and no training framework: the weights are set directly.

* ``copy``: random token embeddings and random position codes, wired so that cross-attention
  looks at the source position equal to the decoder step and the output projection reads
  the token back. It "translates" French into the same French, exactly, so a test can check
  ordering, placeholders and every label without a real model.
* ``garble``: the copy model with the placeholder piece ``ZXQ`` swapped for ``XQZ``, so
  placeholders never survive and the pipeline must take its post-edit fallback.
* ``random``: every weight random. Its output is noise but depends on every decoding
  setting (beam size, length penalty, target prefix), which is what a parity test needs.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MAX_POSITIONS = 1024


@dataclass(frozen=True)
class Shape:
    name: str
    layers: int
    token_dims: int
    position_dims: int
    ffn_dims: int
    vocab_size: int | None = None  # None: the SentencePiece vocabulary; more pads it with unused pieces

    @property
    def model_dims(self) -> int:
        return self.token_dims + self.position_dims


TINY = Shape("tiny", layers=1, token_dims=256, position_dims=128, ffn_dims=1536)
# The shape of a real Argos fr->en model (Transformer base, 32k vocabulary), for benchmarks:
# same GEMMs per token, so the time the pipeline adds can be compared with a real model's.
BASE = Shape("base", layers=6, token_dims=384, position_dims=128, ffn_dims=2048, vocab_size=32000)
PLACEHOLDER_PIECES = ["ZXQ", "XQZ"]  # the pipeline's placeholder, and what ``garble`` turns it into
KINDS = ("copy", "garble", "random")
EOS_BIAS = 1.25  # the random model stops after some 40 tokens instead of running to the length limit


def train_sentencepiece(prefix: Path, corpus: list[str], vocab_size: int = 600) -> None:
    import sentencepiece as spm

    text_file = prefix.with_suffix(".txt")
    text_file.write_text("\n".join(corpus) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(text_file), model_prefix=str(prefix), vocab_size=vocab_size, character_coverage=1.0,
        user_defined_symbols=PLACEHOLDER_PIECES, unk_id=0, bos_id=1, eos_id=2, minloglevel=2,
    )
    text_file.unlink()
    prefix.with_suffix(".vocab").unlink()


def transformer_spec(vocab: list[str], kind: str, seed: int, shape: Shape = TINY):
    from ctranslate2.specs import transformer_spec as ts

    rng = np.random.default_rng(seed)
    d, t, p = shape.model_dims, shape.token_dims, shape.position_dims

    def noise(*shape):
        scale = 1 / np.sqrt(shape[-1]) if kind == "random" else 0.0
        return (scale * rng.standard_normal(shape)).astype(np.float32)

    def norm(layer):
        layer.gamma, layer.beta = np.ones(d, np.float32), np.zeros(d, np.float32)

    def linear(layer, weight):
        layer.weight, layer.bias = weight.astype(np.float32), np.zeros(weight.shape[0], np.float32)

    embeddings = np.zeros((len(vocab), d), np.float32)
    embeddings[:, :t] = rng.standard_normal((len(vocab), t))
    positions = np.zeros((MAX_POSITIONS, d), np.float32)
    positions[:, t:] = rng.standard_normal((MAX_POSITIONS, p))

    spec = ts.TransformerSpec.from_config(num_layers=shape.layers, num_heads=1)
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = positions
        norm(stack.layer_norm)
        for layer in stack.layer:
            norm(layer.self_attention.layer_norm)
            linear(layer.self_attention.linear[0], noise(3 * d, d))
            linear(layer.self_attention.linear[1], noise(d, d))
            norm(layer.ffn.layer_norm)
            linear(layer.ffn.linear_0, noise(shape.ffn_dims, d))
            linear(layer.ffn.linear_1, noise(d, shape.ffn_dims))
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings

    # Cross-attention: queries and keys are the position codes (peaked where positions
    # match), values are the source token embeddings, amplified over the decoder input.
    # The first decoder layer copies; the others, like every other sublayer, add nothing.
    for n, layer in enumerate(spec.decoder.layer):
        query, key_value, out = noise(d, d), noise(2 * d, d), noise(d, d)
        if kind != "random" and n == 0:
            query[t:, t:] = 4 * np.eye(p)
            key_value[t:d, t:] = np.eye(p)
            key_value[d : d + t, :t] = np.eye(t)
            out[:t, :t] = 8 * np.eye(t)
        norm(layer.attention.layer_norm)
        for part, weight in zip(layer.attention.linear, (query, key_value, out)):
            linear(part, weight)

    projection = embeddings.copy() if kind != "random" else noise(len(vocab), d)
    if kind == "garble":
        a, b = (vocab.index(p) for p in PLACEHOLDER_PIECES)
        projection[[a, b]] = projection[[b, a]]
    linear(spec.decoder.projection, projection)
    if kind == "random":
        spec.decoder.projection.bias[vocab.index("</s>")] = EOS_BIAS

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.add_source_eos = True  # the copied </s> ends the output
    return spec


def build_package(dest: Path, kind: str = "copy", corpus: list[str] | None = None, seed: int = 0,
                  sentencizer: bool = False, shape: Shape = TINY) -> Path:
    """Write ``dest/translate-fr_en-<shape>-<kind>/`` (an installed package) and return it.

    ``sentencizer`` adds a ``spacy/`` folder (a blank French spaCy pipeline), which
    argostranslate's SPACY chunk type loads from the package instead of downloading one.
    """
    import sentencepiece as spm

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if corpus is None:
        corpus = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    code = f"translate-fr_en-{shape.name}-{kind}"
    package = dest / code
    (package / "model").mkdir(parents=True, exist_ok=True)
    train_sentencepiece(package / "sentencepiece", corpus)
    tokenizer = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    vocab = [tokenizer.id_to_piece(i) for i in range(tokenizer.get_piece_size())]
    vocab += [f"<unused{i}>" for i in range(len(vocab), shape.vocab_size or len(vocab))]
    spec = transformer_spec(vocab, kind, seed, shape)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(package / "model"))
    metadata = {
        "package_version": "0.0.1", "argos_version": "1.11.0", "code": code,
        "from_code": "fr", "from_name": "French", "to_code": "en", "to_name": "English",
        "type": "translate", "links": [],
    }
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    if sentencizer:
        import spacy

        spacy.blank("fr").to_disk(package / "spacy")
    (package / "README.md").write_text(f"{shape} {kind} test package built by tests/tiny_argos.py. Not a translator.\n")
    return package


def build_archive(package: Path, archive: Path) -> Path:
    """Zip an installed package folder into an ``.argosmodel`` file, as argospm ships them."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(package.rglob("*")):
            zf.write(path, Path(package.name) / path.relative_to(package))
    return archive
