"""Why a proposal was made: the words it shares with the starting text."""

from backend.proposals.similarity import shared_terms


def test_shared_terms_compare_stems_and_skip_stop_words():
    origin = "Leaders were listening; the leader listened and the board decided."
    passage = "The board listens to what leadership decides."
    assert shared_terms(origin, passage) == ["listening", "board", "decided"]
    assert shared_terms("staff felt listened to", "engagement survey voice scores") == []
