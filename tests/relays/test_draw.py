"""The auditable draw: reproducible from its published seed and pool, parity alternates."""

from __future__ import annotations

import ast
import random
import subprocess
import sys

import pytest

from gup.relays.draw import draw, new_seed, verification_command, women_of

POOL = [f"V-{i:04d}" for i in range(1, 13)]


def test_same_seed_and_pool_give_the_same_result_and_match_plain_python():
    seed = "3f1c0de2a5b64e7f9a8b7c6d5e4f3a2b"
    first = draw(POOL, 4, seed)
    assert first == draw(list(POOL), 4, seed)
    assert first == random.Random(seed).sample(sorted(POOL), len(POOL))[:4]  # noqa: S311
    assert len(set(first)) == 4 and set(first) <= set(POOL)
    assert draw(POOL, 4, "another seed") != first or draw(POOL, 4, "yet another") != first


def test_the_published_command_reproduces_the_draw():
    seed = new_seed()
    assert len(seed) == 32
    command = verification_command(POOL, 3, seed)
    code = command.split('-c "', 1)[1].rstrip('"')
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == repr(draw(POOL, 3, seed))


def _run(command: str) -> list[str]:
    code = command.split('-c "', 1)[1].rstrip('"')
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True).stdout
    return ast.literal_eval(out.strip())


@pytest.mark.parametrize("women_count", [0, 1, 3, 6, 12])
def test_the_published_parity_command_reproduces_the_parity_draw(women_count):
    """With parity the command needs the published women's pseudonyms and nothing else; it gives the draw's
    result (not just the order), whichever queue runs out first."""
    genders = {p: ("woman" if i < women_count else ("man" if i % 2 else None)) for i, p in enumerate(POOL)}
    assert women_of(genders) == POOL[:women_count]
    for index, seats in enumerate((1, 4, 7, 12)):
        seed = f"{women_count}-{index}-{new_seed()}"
        command = verification_command(POOL, seats, seed, genders)
        assert f"women={POOL[:women_count]!r}".replace(" ", "") in command.replace(" ", "")
        assert _run(command) == draw(POOL, seats, seed, genders)


def test_parity_alternates_women_and_others():
    genders = {p: ("woman" if i < 4 else "man") for i, p in enumerate(POOL)}  # 4 women, 8 men
    for seed in ("a", "b", "c", "d", "e"):
        result = draw(POOL, 6, seed, genders)
        kinds = [genders[p] == "woman" for p in result]
        assert kinds[:6] == [kinds[0], not kinds[0]] * 3  # strict alternation while both queues last
        order = random.Random(seed).sample(POOL, len(POOL))  # noqa: S311
        assert kinds[0] == (genders[order[0]] == "woman")  # the first seat goes to the first drawn's queue
        assert draw(POOL, 6, seed, genders) == result


def test_parity_fills_from_the_other_queue_when_one_runs_out():
    genders = {p: ("woman" if i < 1 else "man") for i, p in enumerate(POOL)}
    result = draw(POOL, 5, "seed", genders)
    assert sum(genders[p] == "woman" for p in result) == 1
    assert len(set(result)) == 5


def test_unsorted_pool_is_refused():
    with pytest.raises(ValueError, match="sorted order"):
        draw(list(reversed(POOL)), 2, "x")
