"""Client search: every word of the query starts a name word or the phone number, on both backends."""

from __future__ import annotations

import pytest

from salonkeep.core.clients.search import client_terms, normalise, query_words, upper_bound
from salonkeep.core.clients.service import ClientInput, create_client, search_clients, update_client
from salonkeep.core.privacy.rights import erase_client
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import execute

from ..conftest import TenantWorld


def test_terms_are_folded_words_and_phone_digits() -> None:
    assert normalise("Jääskeläinen-ÅSTRÖM") == "jaaskelainen-astrom"
    assert client_terms("Anna-Maija", "de la Cruz", "+358401234567") == {
        "anna", "maija", "de", "la", "cruz", "358401234567", "401234567", "0401234567",
    }  # fmt: skip
    assert sorted(query_words("  Ella  VIRT ")) == ["ella", "virt"]
    assert query_words("+358 40-123") == ["35840123"]
    assert query_words("040 123 4567") == ["0401234567"]
    assert upper_bound("ella") == "ellb"
    # The character after U+D7FF is U+E000: the surrogates between are no characters at all.
    assert upper_bound("a\ud7ff") == "a\ue000"
    assert upper_bound("a\ud7ff").encode("utf-8")


async def _names(query: str) -> list[str]:
    return [c.full_name for c in await search_clients(query, limit=50)]


@pytest.fixture
async def clients(tenant_a: TenantWorld, tenant_b: TenantWorld) -> TenantWorld:
    owner = TenantContext(tenant_id=tenant_a.ctx.tenant_id, role="owner", actor_label="test")
    with tenant_scope(owner):
        for first, last, phone in [
            ("Aino", "Jääskeläinen", "+358401234567"),
            ("Ella", "Virtanen", "040 765 4321"),
            ("Ellen", "Korhonen", ""),
            ("Mei", "Wang-Virtanen", "+358501112223"),
        ]:
            await create_client(
                ClientInput(branch_id=tenant_a.branch_id, first_name=first, last_name=last, phone=phone)
            )
    with tenant_scope(tenant_b.ctx):
        await create_client(
            ClientInput(branch_id=tenant_b.branch_id, first_name="Ella", last_name="Virtanen")
        )
    return tenant_a


async def test_search_by_word_start_accents_and_case_ignored(clients: TenantWorld) -> None:
    with tenant_scope(clients.ctx):
        assert await _names("ell") == ["Ellen Korhonen", "Ella Virtanen"]
        assert await _names("ELLA") == ["Ella Virtanen"]
        assert await _names("jaaskel") == ["Aino Jääskeläinen"]
        assert await _names("Jääs") == ["Aino Jääskeläinen"]
        assert await _names("virtanen") == ["Ella Virtanen", "Mei Wang-Virtanen"]
        assert await _names("ella virt") == ["Ella Virtanen"]
        assert await _names("mei ella") == []
        # Inside a word does not match (prefix search, see docs/performance.md).
        assert await _names("irtanen") == []
        assert await _names("") == [
            "Aino Jääskeläinen", "Ellen Korhonen", "Ella Virtanen", "Mei Wang-Virtanen",
        ]  # fmt: skip
        assert await _names("%") == []


async def test_search_by_phone_in_international_and_national_form(clients: TenantWorld) -> None:
    with tenant_scope(clients.ctx):
        assert await _names("040 765") == ["Ella Virtanen"]
        assert await _names("+358 40 765 4321") == ["Ella Virtanen"]
        assert await _names("40765") == ["Ella Virtanen"]
        assert await _names("3585") == ["Mei Wang-Virtanen"]
        assert await _names("765") == []


async def test_search_follows_changes_and_erasure(clients: TenantWorld) -> None:
    with tenant_scope(clients.ctx):
        (ella,) = await search_clients("ella")
        await update_client(
            ella.id,
            ClientInput(branch_id=ella.branch_id, first_name="Elina", last_name="Laine", phone="0401112223"),
        )
        assert await _names("virtanen") == ["Mei Wang-Virtanen"]
        assert await _names("lain") == ["Elina Laine"]
        assert await _names("0401112") == ["Elina Laine"]
        assert await _names("040765") == []
        await erase_client(ella.id)
        assert await _names("elina") == []
        assert await _names("0401112") == []
        rows = await execute(
            "select count(*) as n from client_search_term where tenant_id = {} and client_id = {}",
            clients.ctx.tenant_id,
            ella.id,
        )
        assert int(str(rows[0]["n"])) == 0


async def test_search_stays_in_the_tenant_and_branch_scope(
    clients: TenantWorld, tenant_b: TenantWorld
) -> None:
    with tenant_scope(tenant_b.ctx):
        assert await _names("virtanen") == ["Ella Virtanen"]
        assert await _names("aino") == []
