"""Every non-streaming endpoint of the demo backend: shapes, status codes, state changes."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from demo_helpers import Send, data_events

from tui.demo import DEMO_TOKEN
from tui.demo.server import DemoServer

B = "/backend-api"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
TOKEN_EXPIRED = {
    "detail": {
        "message": "Your authentication token has expired. Please try signing in again.",
        "type": "invalid_request_error",
        "param": None,
        "code": "token_expired",
    }
}


def test_demo_token_is_not_a_credential_lookalike() -> None:
    assert not DEMO_TOKEN.startswith(("sk-", "sess-", "eyJ"))
    assert DEMO_TOKEN.count(".") < 2


def test_urls(demo: DemoServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", demo.base_url)
    assert demo.backend_url == demo.base_url + "/backend-api"
    assert demo.token == DEMO_TOKEN


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{B}/accounts/check"),
        ("GET", f"{B}/accounts/check/v4-2023-04-27"),
        ("GET", f"{B}/models"),
        ("GET", f"{B}/settings/beta_features"),
        ("GET", "/public-api/conversation_limit"),
        ("GET", f"{B}/conversations"),
        ("GET", f"{B}/shared_conversations"),
        ("POST", f"{B}/accounts/data_export"),
        ("POST", f"{B}/conversation"),
        ("PATCH", f"{B}/conversations"),
        ("POST", "/_demo/reset"),
    ],
)
@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Token {DEMO_TOKEN}"])
def test_auth_required(anon: httpx.Client, method: str, path: str, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = anon.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json() == TOKEN_EXPIRED


def test_accounts_check(api: httpx.Client) -> None:
    legacy = api.get(f"{B}/accounts/check").json()
    assert legacy["account_plan"]["subscription_plan"] == "chatgptplusplan"
    assert isinstance(legacy["features"], list)
    v4 = api.get(f"{B}/accounts/check/v4-2023-04-27").json()
    assert v4["account_ordering"] == ["default"]
    account = v4["accounts"]["default"]
    assert account["account"]["plan_type"] == "plus"
    assert account["entitlement"]["has_active_subscription"] is True


def test_models_settings_limits_export(api: httpx.Client) -> None:
    models = api.get(f"{B}/models", params={"history_and_training_disabled": "false"}).json()
    slugs = [m["slug"] for m in models["models"]]
    assert slugs[:3] == ["text-davinci-002-render-sha", "gpt-4", "gpt-4o"]
    assert models["models"][0]["title"] == "Default (GPT-3.5)"
    assert models["categories"][0]["default_model"] == "text-davinci-002-render-sha"
    beta = api.get(f"{B}/settings/beta_features").json()
    assert beta["browsing"] is True
    limit = api.get("/public-api/conversation_limit").json()
    assert limit["message_cap_window"] == 180.0
    assert "model-switcher" in limit["message_disclaimer"]
    assert api.post(f"{B}/accounts/data_export").json() == {"status": "queued"}


def test_unknown_route_is_json_404(api: httpx.Client) -> None:
    response = api.get(f"{B}/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_list_shape_and_order(api: httpx.Client) -> None:
    page = api.get(f"{B}/conversations", params={"offset": 0, "limit": 28, "order": "updated"})
    body = page.json()
    assert list(body) == ["items", "total", "limit", "offset", "has_missing_conversations"]
    assert (body["limit"], body["offset"], body["has_missing_conversations"]) == (28, 0, False)
    assert len(body["items"]) == 28
    assert body["total"] >= 300
    first = body["items"][0]
    assert first["title"] == "Faster CSV parsing in Rust"
    assert ISO.match(first["create_time"])
    assert ISO.match(first["update_time"])
    assert first["mapping"] is None
    assert first["is_archived"] is False
    updates = [item["update_time"] for item in body["items"]]
    assert updates == sorted(updates, reverse=True)


def test_paging_covers_everything_once(api: httpx.Client) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        body = api.get(f"{B}/conversations", params={"offset": offset, "limit": 100}).json()
        seen += [item["id"] for item in body["items"]]
        offset += 100
        if offset >= body["total"]:
            break
    assert len(seen) == len(set(seen)) == body["total"]
    past = api.get(f"{B}/conversations", params={"offset": 10_000, "limit": 5}).json()
    assert past["items"] == []
    assert past["total"] == body["total"]


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"limit": 101}, "value_error.number.not_le"),
        ({"limit": "many"}, "type_error.integer"),
        ({"offset": -1}, "value_error.number.not_ge"),
    ],
)
def test_list_validation(api: httpx.Client, params: dict[str, object], kind: str) -> None:
    response = api.get(f"{B}/conversations", params=params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["type"] == kind
    assert detail[0]["loc"][0] == "query"


def test_get_conversation_shape(api: httpx.Client) -> None:
    item = api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]
    conv = api.get(f"{B}/conversation/{item['id']}").json()
    keys = {"title", "create_time", "update_time", "mapping", "moderation_results", "current_node",
            "conversation_id", "is_archived", "safe_urls", "default_model_slug"}  # fmt: skip
    assert keys <= set(conv)
    assert isinstance(conv["create_time"], float)
    assert conv["conversation_id"] == item["id"]
    assert conv["current_node"] in conv["mapping"]
    roots = [node for node in conv["mapping"].values() if node["parent"] is None]
    assert len(roots) == 1
    assert roots[0]["message"] is None


def test_unknown_conversation_is_404(api: httpx.Client) -> None:
    response = api.get(f"{B}/conversation/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "Can't load conversation nope"}


def test_soft_delete(api: httpx.Client) -> None:
    items = api.get(f"{B}/conversations", params={"limit": 3}).json()["items"]
    total = api.get(f"{B}/conversations").json()["total"]
    target = items[1]["id"]
    patch = api.patch(f"{B}/conversation/{target}", json={"is_visible": False})
    assert patch.json() == {"success": True}
    assert api.get(f"{B}/conversation/{target}").json() == {
        "detail": f"Can't load conversation {target}"
    }
    after = api.get(f"{B}/conversations", params={"limit": 100}).json()
    assert target not in [item["id"] for item in after["items"]]
    assert after["total"] == total - 1
    # No revival: a deleted conversation stays deleted.
    assert api.patch(f"{B}/conversation/{target}", json={"is_visible": True}).status_code == 404


def test_rename(api: httpx.Client) -> None:
    target = api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]["id"]
    assert api.patch(f"{B}/conversation/{target}", json={"title": "Renamed ✓"}).json() == {
        "success": True
    }
    assert api.get(f"{B}/conversation/{target}").json()["title"] == "Renamed ✓"
    assert api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]["title"] == (
        "Renamed ✓"
    )


def test_archive_moves_between_lists(api: httpx.Client) -> None:
    archived = api.get(f"{B}/conversations", params={"is_archived": "true"}).json()
    assert archived["total"] >= 3
    assert all(item["is_archived"] for item in archived["items"])
    active = api.get(f"{B}/conversations", params={"limit": 100}).json()
    target = active["items"][0]["id"]
    api.patch(f"{B}/conversation/{target}", json={"is_archived": True})
    now_archived = api.get(f"{B}/conversations", params={"is_archived": "true"}).json()
    assert target in [item["id"] for item in now_archived["items"]]
    listed = api.get(f"{B}/conversations", params={"limit": 100, "is_archived": "false"}).json()
    assert target not in [item["id"] for item in listed["items"]]
    assert api.get(f"{B}/conversation/{target}").json()["is_archived"] is True
    api.patch(f"{B}/conversation/{target}", json={"is_archived": False})
    assert api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]["id"] == target


def test_clear_all(api: httpx.Client) -> None:
    assert api.patch(f"{B}/conversations", json={"is_visible": False}).json() == {"success": True}
    assert api.get(f"{B}/conversations").json()["total"] == 0
    assert api.get(f"{B}/conversations", params={"is_archived": "true"}).json()["total"] == 0
    assert api.get(f"{B}/shared_conversations").json()["items"] == []


def test_gen_title(api: httpx.Client) -> None:
    items = api.get(f"{B}/conversations", params={"limit": 28}).json()["items"]
    untitled = next(item for item in items if item["title"] == "New chat")
    conv = api.get(f"{B}/conversation/{untitled['id']}").json()
    url = f"{B}/conversation/gen_title/{untitled['id']}"
    first = api.post(url, json={"message_id": conv["current_node"]}).json()
    assert first == {"title": "Lazy-load routes in a React app"}
    assert api.get(f"{B}/conversation/{untitled['id']}").json()["title"] == first["title"]
    again = api.post(url, json={"message_id": conv["current_node"]}).json()
    assert again == {
        "message": f"Conversation {untitled['id']} already has title '{first['title']}'"
    }


def test_gen_title_on_a_titled_conversation(api: httpx.Client) -> None:
    item = api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]
    answer = api.post(f"{B}/conversation/gen_title/{item['id']}", json={"message_id": "x"})
    assert answer.json() == {
        "message": f"Conversation {item['id']} already has title 'Faster CSV parsing in Rust'"
    }


def test_shared_conversations(api: httpx.Client) -> None:
    body = api.get(f"{B}/shared_conversations", params={"order": "created"}).json()
    assert body["total"] == len(body["items"]) >= 3
    share = body["items"][0]
    assert set(share) >= {"id", "title", "create_time", "update_time", "conversation_id"}
    assert ISO.match(share["create_time"])
    assert api.get(f"{B}/conversation/{share['conversation_id']}").status_code == 200


def test_requests_are_recorded(demo: DemoServer, api: httpx.Client) -> None:
    api.patch(f"{B}/conversation/abc", json={"title": "x"})
    api.get(f"{B}/models", params={"history_and_training_disabled": "false"})
    seen = [(r.method, r.path, r.query, r.body) for r in demo.state.requests]
    assert seen == [
        ("PATCH", f"{B}/conversation/abc", {}, {"title": "x"}),
        ("GET", f"{B}/models", {"history_and_training_disabled": "false"}, None),
    ]


def test_gen_title_after_a_classic_new_chat(api: httpx.Client, send: Send) -> None:
    _, frames = send(text="Can you explain Rust lifetimes simply?")
    first = data_events(frames)[0]
    url = f"{B}/conversation/gen_title/{first['conversation_id']}"
    assert api.post(url, json={"message_id": first["message"]["id"]}).json() == {
        "title": "Explain Rust lifetimes simply"
    }


def test_package_import_is_cheap() -> None:
    code = "import sys, tui.demo; print(any(m in sys.modules for m in ('starlette', 'uvicorn')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
