"""``chathub leads``: CSV of participants with buying signals, hide lists, formula safety."""

from __future__ import annotations

import csv
import io

from chatdoc import Doc
from conftest import CHAT

from chathub.analysis.leads import COLUMNS, safe_cell
from chathub.model.settings import DEFAULT_LEAD_KEYWORDS

MAY = CHAT.replace("2026-07-09", "2026-05-14")


def _transcript(hub, extra: str = "") -> dict[str, str]:
    hub.add_chat("leases", MAY + extra)
    doc = Doc()
    doc.user("kira", "Kira Tanaka", description="COO", public_metrics={"followers_count": 2890})
    ids = {
        "q1": doc.post("HostCo", "Q1 Are you looking for a new vendor? What's your budget? #Tenants", 5),
        "kira1": doc.post("kira", "A1 We're Looking  for a vendor, budget approved https://t.co/x #Tenants",
                          6, urls={"https://t.co/x": "https://example.org/rfp-budget"}),
        "kira2": doc.post("kira", "Can anyone recommend a broker? We need quotes by June.", 8),
        "dan": doc.post("guest_two", "A1 Set a budget first #Tenants", 7),
        "mod": doc.post("mod_one", "Send your RFP questions our way!", 9),
        "url_only": doc.post("ben", "Read https://t.co/y #Tenants", 10,
                             urls={"https://t.co/y": "https://example.org/pricing-demo"}),
        "quoted": doc.post("ben", "We got quoted wrongly, and the demonstration failed #Tenants", 11),
        "evil": doc.post("eve", "=HYPERLINK(\"http://evil.example\") is our RFP", 12),
        "shy": doc.post("Shy_Sam", "Looking for a new office, budget is fine #Tenants", 13),
    }
    doc.write(hub.chats, "leases")
    return ids


def _read(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_leads_lists_buying_signals_with_posts(make_hub, run_cli):
    hub = make_hub()
    ids = _transcript(hub)
    code, out, err = run_cli("leads", "leases")
    assert code == 0, err
    assert out.splitlines()[0] == ",".join(COLUMNS)
    rows = _read(out)
    assert [r["handle"] for r in rows] == ["kira", "Shy_Sam", "eve"]
    kira = rows[0]
    assert kira["name"] == "Kira Tanaka" and kira["profile_url"] == "https://x.com/kira"
    assert kira["followers"] == "2890" and kira["bio"] == "COO"
    assert kira["keywords"] == "looking for; recommend; budget; vendor; quote"
    assert kira["matching_posts"] == "2"
    assert kira["posts"].splitlines()[0] == (
        "A1 We're Looking  for a vendor, budget approved https://example.org/rfp-budget #Tenants")
    assert kira["post_urls"].split() == [f"https://x.com/kira/status/{ids['kira1']}",
                                         f"https://x.com/kira/status/{ids['kira2']}"]
    assert kira["chats"] == "leases" and kira["first_seen"] == "2026-05-14T17:06:00Z"
    # The team and guests are no leads; neither are words inside links or longer words.
    assert not {"HostCo", "mod_one", "guest_two", "ben"} & {r["handle"] for r in rows}


def test_leads_respect_hide_lists(make_hub, run_cli):
    hub = make_hub({"hide": ["@EVE"]})
    _transcript(hub, 'hide: ["@shy_sam"]\n')
    code, out, _ = run_cli("leads", "leases")
    assert code == 0
    assert [r["handle"] for r in _read(out)] == ["kira"]


def test_leads_cells_cannot_run_as_formulas(make_hub, run_cli):
    hub = make_hub()
    _transcript(hub)
    code, out, _ = run_cli("leads", "leases")
    eve = next(r for r in _read(out) if r["handle"] == "eve")
    assert eve["posts"].startswith("'=HYPERLINK(")
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok", 3)] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "ok", "3"]


def test_lead_keywords_come_from_mkdocs_yml(make_hub, run_cli):
    hub = make_hub({"lead_keywords": ["sublet"]})
    hub.add_chat("leases", MAY)
    doc = Doc()
    doc.post("fran", "We want to SUBLET half a floor #Tenants", 6)
    doc.post("kira", "Looking for a vendor #Tenants", 7)
    doc.write(hub.chats, "leases")
    code, out, _ = run_cli("leads", "leases")
    assert [(r["handle"], r["keywords"]) for r in _read(out)] == [("fran", "sublet")]
    code, out, _ = run_cli("leads", "leases", "--keyword", "vendor")
    assert [r["handle"] for r in _read(out)] == ["kira"]
    assert {"looking for", "recommend", "budget", "rfp"} <= set(DEFAULT_LEAD_KEYWORDS)


def test_leads_to_a_file_and_never_on_the_site(make_hub, run_cli):
    hub = make_hub()
    _transcript(hub)
    code, out, err = run_cli("leads", "leases", "-o", "leads.csv")
    assert code == 0 and out == "" and "3 leads written to leads.csv" in err
    rows = list(csv.DictReader((hub.root / "leads.csv").open(encoding="utf-8", newline="")))
    assert [r["handle"] for r in rows] == ["kira", "Shy_Sam", "eve"]
    hub.build()
    assert not list(hub.site.rglob("*.csv"))
    for path in hub.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".js"):
            assert "matching_posts" not in path.read_text(errors="ignore"), path


def test_leads_errors_are_one_line(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat("leases", MAY)
    code, out, err = run_cli("leads", "nope")
    assert code == 2 and err.strip() == "chathub leads: no chat 'nope' in chats"
    code, out, err = run_cli("leads", "leasse")
    assert code == 2 and err.strip() == "chathub leads: no chat 'leasse' in chats; did you mean leases?"
    code, out, err = run_cli("leads", "leases")
    assert code == 1 and "leases has no transcript yet" in err and "chathub fetch leases" in err
    (hub.chats / "leases.tweets.json").write_text("{broken")
    code, out, err = run_cli("leads", "leases")
    assert code == 2 and err.startswith("chathub leads: chats/leases.tweets.json:1:2: not valid JSON")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    Doc().write(hub.chats, "leases")
    code, out, err = run_cli("leads", "leases", "-o", "missing/dir/leads.csv")
    assert code == 2 and "cannot write missing/dir/leads.csv" in err
