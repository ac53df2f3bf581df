"""The shipped model, loaded from its package with no network: what it computes."""

import numpy as np

from search.vectors.embedder import load_embedder
from search.vectors.fusion import reciprocal_rank_fusion
from search.vectors.minilm import MiniLmEmbedder, model_files


def test_weights_and_tokenizer_ship_in_packages():
    weights, tokenizer = model_files()
    assert weights.stat().st_size > 20_000_000 and tokenizer.name == "tokenizer.json"


def test_vectors_are_normalised_and_order_independent():
    model = load_embedder()
    texts = ["short", "a much longer sentence about integrated care boards and trust", ""]
    together = model.embed(texts)
    assert together.shape == (3, 384) and together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    alone = np.stack([model.embed([t])[0] for t in texts])
    # Each text runs alone (the int8 products' activation scale is per run), so
    # what else is embedded with it changes nothing, to the bit.
    assert np.array_equal(together, alone)


def test_text_past_max_tokens_changes_nothing():
    model = load_embedder()
    long = "The integrated care board meets in public every quarter. " * 20  # > 128 tokens
    cut, longer = model.embed([long, long + " Parking permits are issued by estates."])
    assert np.allclose(cut, longer, atol=1e-5)
    shorter = model.embed(["The integrated care board meets in public every quarter."])[0]
    assert not np.allclose(cut, shorter, atol=1e-3)  # the test can tell texts apart


def test_the_pipeline_gives_the_models_published_similarity():
    """sentence-transformers' all-MiniLM-L6-v2 gives these two 0.75 (its model card's
    example); a broken tokenizer, pooling or int8 load would not."""
    model = load_embedder()
    a, b, c = model.embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."]
    )
    assert 0.72 < float(a @ b) < 0.78 and float(a @ c) < 0.35


def test_a_paraphrase_beats_a_word_sharing_distractor():
    """Items 3 and 4 of tests/fixtures/board-paper-workforce.md."""
    model = load_embedder()
    query = model.embed_query("staff felt leaders listened to them")
    answer, distractor = model.embed(
        [
            "The engagement survey showed improved voice scores: more colleagues than last "
            "year reported that their views are sought, that managers act on their "
            "suggestions, and that they can raise concerns without fear.",
            "Leaders of the estates team felt that parking permits for staff should be listed "
            "by the end of the quarter; them and the contractors will meet to agree charges.",
        ]
    )
    assert float(query @ answer) > float(query @ distractor) + 0.05


def test_rrf_sums_reciprocal_ranks_and_breaks_ties_by_id():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 2, 4]], k=60)
    # 3: 1/63 + 1/61 just beats 2: 1/62 + 1/62 (rank 1 counts more than two rank 2s)
    assert [pid for pid, _ in fused] == [3, 2, 1, 4]
    assert fused[1][1] == 2 / 62 and fused[0][1] == 1 / 63 + 1 / 61
    assert reciprocal_rank_fusion([[5], [6]]) == [(5, 1 / 61), (6, 1 / 61)]


def test_runs_on_several_threads_give_the_same_vectors_as_one() -> None:
    """Passages are embedded by one run per core at once, each run on one thread:
    how many run at once, and where a text falls among the runs, change no vector."""
    texts = [f"Item {i}: the board {'meets in public and ' * (i % 9)}decides." for i in range(30)]
    one, many = MiniLmEmbedder(threads=1), MiniLmEmbedder(threads=3)
    assert np.array_equal(one.embed(texts), many.embed(texts))
    query = "members who keep missing meetings lose their seat"
    assert np.array_equal(many.embed_query(query), one.embed([query])[0])
