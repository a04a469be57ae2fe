"""Fixed response bodies: account, models, settings, limits and every error the demo sends.

Shapes and texts follow docs/PROTOCOL.md §2 and §7; where the real server's wording is known it
is used verbatim, because clients match on it (``token_expired``, ``model_cap_exceeded``...).
"""

from __future__ import annotations

from typing import Any

from tui.demo.nodes import Json

ACCOUNT_ID = "0c1d2e3f-demo-4a5b-8c6d-backchat0001"
FEATURES = [
    "chat_preferences_available",
    "shareable_links",
    "data_export_enabled",
    "model_switcher",
]

TOKEN_EXPIRED: Json = {
    "detail": {
        "message": "Your authentication token has expired. Please try signing in again.",
        "type": "invalid_request_error",
        "param": None,
        "code": "token_expired",
    }
}
CONCURRENT: Json = {
    "detail": "Only one message at a time. Please allow any other responses to complete before "
    "sending another message, or wait one minute."
}
MODEL_CAP: Json = {
    "detail": {
        "message": "You have sent too many messages to the model. Please try again later.",
        "code": "model_cap_exceeded",
        "clears_in": 900,
    }
}
PLAIN_RATE_LIMIT: Json = {"detail": "Too many requests in 1 hour. Try again later."}
TOO_LONG: Json = {
    "detail": {
        "message": "The message you submitted was too long, please reload the conversation and "
        "submit something shorter.",
        "code": "message_length_exceeds_limit",
    }
}
CONVERSATION_NOT_FOUND: Json = {"detail": "Conversation not found"}
UNUSUAL_ACTIVITY = (
    "Our systems have detected unusual activity coming from your system. Please try again later."
)

CLOUDFLARE_403 = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body>
<div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">chat.openai.com</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<div id="cf-please-wait"><p>Please wait...</p></div>
</div></div></body></html>
"""


def gateway_html(status: int, reason: str) -> str:
    """The bare page a proxy in front of the server answers with."""
    return (
        f"<html>\n<head><title>{status} {reason}</title></head>\n<body>\n"
        f"<center><h1>{status} {reason}</h1></center>\n<hr><center>cloudflare</center>\n"
        "</body>\n</html>\n"
    )


def missing_field(field: str) -> Json:
    """FastAPI/pydantic-v1 style 422 for a missing body field (docs/PROTOCOL.md §3, §7)."""
    return {
        "detail": [{"loc": ["body", field], "msg": "field required", "type": "value_error.missing"}]
    }


def bad_json(error: str) -> Json:
    return {"detail": [{"loc": ["body", 0], "msg": error, "type": "value_error.jsondecode"}]}


def bad_query(name: str, msg: str, kind: str, ctx: Json | None = None) -> Json:
    item: dict[str, Any] = {"loc": ["query", name], "msg": msg, "type": kind}
    if ctx is not None:
        item["ctx"] = ctx
    return {"detail": [item]}


def accounts_check() -> Json:
    """``GET /accounts/check`` (the legacy shape)."""
    return {
        "account_plan": {
            "is_paid_subscription_active": True,
            "subscription_plan": "chatgptplusplan",
            "account_user_role": "account-owner",
            "was_paid_customer": True,
            "has_customer_object": True,
            "subscription_expires_at_timestamp": 1798761600,
        },
        "user_country": "NL",
        "features": FEATURES,
    }


def accounts_check_v4() -> Json:
    """``GET /accounts/check/v4-2023-04-27``."""
    account = {
        "account_user_role": "account-owner",
        "account_user_id": "user-demoBackchat0000000001__" + ACCOUNT_ID,
        "processor": {
            "a001": {"has_customer_object": True},
            "b001": {"has_transaction_history": True},
        },
        "account_id": ACCOUNT_ID,
        "organization_id": None,
        "is_most_recent_expired_subscription_gratis": False,
        "has_previously_paid_subscription": True,
        "name": None,
        "profile_picture_id": None,
        "profile_picture_url": None,
        "structure": "personal",
        "plan_type": "plus",
        "is_deactivated": False,
        "promo_data": {},
    }
    return {
        "accounts": {
            "default": {
                "account": account,
                "features": FEATURES,
                "entitlement": {
                    "subscription_id": "sub-demo0001",
                    "has_active_subscription": True,
                    "subscription_plan": "chatgptplusplan",
                    "expires_at": "2026-12-31T00:00:00+00:00",
                    "billing_period": "monthly",
                },
                "last_active_subscription": {
                    "subscription_id": "sub-demo0001",
                    "purchase_origin_platform": "chatgpt_web",
                    "will_renew": True,
                },
                "is_eligible_for_yearly_plus_subscription": False,
            }
        },
        "account_ordering": ["default"],
    }


MODELS = (
    (
        "text-davinci-002-render-sha",
        "Default (GPT-3.5)",
        "Our fastest model, great for most everyday tasks.",
        8191,
        "gpt3.5",
    ),
    (
        "gpt-4",
        "GPT-4",
        "Our most capable model, great for tasks that require creativity and advanced reasoning.",
        32767,
        "gpt4",
    ),
    ("gpt-4o", "GPT-4o", "Newest and most advanced model.", 32767, "gpt4o"),
    ("o1", "o1", "Uses advanced reasoning.", 65536, "reasoning"),
)


def models() -> Json:
    """``GET /models`` (docs/PROTOCOL.md §2)."""
    return {
        "models": [
            {
                "slug": slug,
                "max_tokens": max_tokens,
                "title": title,
                "description": description,
                "tags": [tag],
                "capabilities": {},
                "product_features": {},
            }
            for slug, title, description, max_tokens, tag in MODELS
        ],
        "categories": [
            {
                "category": "gpt_3.5",
                "human_category_name": "GPT-3.5",
                "subscription_level": "free",
                "default_model": "text-davinci-002-render-sha",
                "code_interpreter_model": "text-davinci-002-render-sha-code-interpreter",
                "plugins_model": "text-davinci-002-render-sha-plugins",
            },
            {
                "category": "gpt_4",
                "human_category_name": "GPT-4",
                "subscription_level": "plus",
                "default_model": "gpt-4",
                "browsing_model": "gpt-4-browsing",
                "code_interpreter_model": "gpt-4-code-interpreter",
                "plugins_model": "gpt-4-plugins",
            },
        ],
    }


BETA_FEATURES: Json = {
    "browsing": True,
    "code_interpreter": True,
    "dalle": False,
    "plugins": False,
    "sunshine": False,
    "workspace_gpt_custom_actions": False,
}

CONVERSATION_LIMIT: Json = {
    "message_cap": 40.0,
    "message_cap_window": 180.0,
    "message_disclaimer": {
        "model-switcher": "You've reached the GPT-4 cap, which gives all ChatGPT Plus users a "
        "chance to try the model.\n\nPlease check back soon.",
        "textarea": "GPT-4 currently has a cap of 40 messages every 3 hours.",
    },
}
