#!/usr/bin/env python3
"""Generate transforms/i18n.json, the i18n rule table of widget-migrate.

* "renames", "splits" and "oie_keys" are curated by hand below, from the I-table
  of widget-facts.md (rows I1-I32); every "/" and "(...)" shorthand of the table
  is written out as full key names.
* "removed" is generated: every key of widget-i18n-appendix.md section A that is
  not the "from" of a rename or split and is not shipped again by 7.49.0.
* "classic_only" is generated: `needhelp` (I33) plus every key of appendix B that
  is not the "from" of a curated row; keys of the families named in I34 get kb
  "I34", the others "I18N-B".

Usage: python3 tools/gen_i18n_table.py [KNOWLEDGE_DIR]
KNOWLEDGE_DIR defaults to <repo>/../shared/knowledge. Run by hand; the output is
committed (see tools/README.md). Check it with tools/check_i18n_table.py.
Standard library only.
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "transforms" / "i18n.json"
ORACLE_VERSIONS = ("5.16.1", "6.9.0", "7.49.0")
NEWEST = "7.49.0"

# Notes shared by several rows.
_ONPREM_ENROLL = (
    "OIE reuses the Classic key ({0} = authenticator vendor name); on-prem MFA and "
    "RSA SecurID enrollment now share it, so two different overrides collapse into one"
)
_ENTER_CODE = (
    "shared Classic key: it also labels the code field of other challenges "
    "(email, phone, on-prem/RSA), so the override now applies there too"
)
_I29_NOTE = (
    "otp-only page rewritten in 6.3.0, no 1:1 successor; all replacement keys are "
    "listed, most likely first (English text compared in oracle/i18n-candidates.tsv)"
)
_I28_NOTE = (
    "callout rewritten as an intro plus numbered steps; candidates ordered by their "
    "position in the old callout (part1 was the first message, part2 the second)"
)

# Targets shared with other screens: renaming into them changes more than the old key did,
# so these renames are of the unsafe tier.
UNSAFE_TARGETS = {"mfa.challenge.enterCode.placeholder"}

# (kb, since, from, to[, note]) -- strictly 1:1; chains are separate rows.
RENAMES = [
    ("I1", "3.8.0", "enroll.email.title", "email.enroll.title"),
    ("I2", "3.8.0", "enroll.email.send.description", "email.enroll.description"),
    ("I3", "3.8.0", "enroll.email.save", "email.button.send"),
    ("I4", "3.8.0", "enroll.activate.email.resend", "email.button.resend"),
    ("I4", "3.8.0", "enroll.activate.email.code.label", "email.code.label"),
    ("I4", "3.8.0", "enroll.activate.email.not.received", "email.code.not.received"),
    ("I4", "3.8.0", "enroll.activate.email.description", "email.mfa.email.sent.description"),
    ("I5", "3.4.0", "factor.webauthn", "factor.webauthn.biometric"),
    ("I5", "3.4.0", "factor.webauthn.description", "factor.webauthn.biometric.description"),
    ("I5", "3.4.0", "enroll.webauthn.title", "enroll.webauthn.biometric.title"),
    ("I5", "3.4.0", "enroll.webauthn.instructions", "enroll.webauthn.biometric.instructions"),
    ("I5", "3.4.0", "enroll.webauthn.instructions.edge",
     "enroll.webauthn.biometric.instructions.edge"),
    ("I5", "3.4.0", "verify.webauthn.instructions", "verify.webauthn.biometric.instructions"),
    ("I5", "3.4.0", "webauthn.error.factorNotSupported",
     "webauthn.biometric.error.factorNotSupported"),
    ("I5", "3.4.0", "webauthn.error.factorNotSupported.oneFactor",
     "webauthn.biometric.error.factorNotSupported.oneFactor"),
    ("I6", "3.8.1", "registration.complete.desc", "registration.complete.confirm.text",
     "English text was reworded"),
    ("I7", "4.2.0", "success.redirect", "oie.success.redirect"),
    ("I7", "5.1.5", "oie.success.redirect", "oie.success.text.signingIn",
     "5.1.5 also added oie.success.text.signingIn.with.appName and "
     ".with.appName.and.identifier, shown when the app name (and identifier) is known"),
    ("I8", "5.13.0", "enroll.mdm.step1", "enroll.mdm.step.copyLink"),
    ("I8", "5.13.0", "enroll.mdm.step2", "enroll.mdm.step.pasteLink"),
    ("I8", "5.13.0", "enroll.mdm.step3", "enroll.mdm.step.followInstructions",
     "a fourth step, enroll.mdm.step.relogin, was added at the same time"),
    ("I9", "5.13.0", "socialauth.yahoo_japan.label", "socialauth.yahoojp.label"),
    ("I10", "5.5.2", "oie.registeration.is.not.enabled", "oie.registration.is.not.enabled"),
    ("I11", "5.6.3", "oie.session.expired", "idx.session.expired"),
    ("I12", "5.7.0", "oie.device.code.activate.title", "device.code.activate.title"),
    ("I12", "5.7.0", "oie.device.code.activate.subtitle", "device.code.activate.subtitle"),
    ("I12", "5.7.0", "oie.device.code.activate.label", "device.code.activate.label"),
    ("I12", "5.7.0", "oie.device.code.activated.success.title",
     "device.code.activated.success.title"),
    ("I12", "5.7.0", "oie.device.code.activated.error.title",
     "device.code.activated.error.title"),
    ("I13", "5.8.2", "oie.consent.admin.title", "oie.consent.scopes.admin.title"),
    ("I14", "4.2.2", "oie.webauthn", "oie.authenticator.webauthn.label"),
    ("I14", "5.3.0", "oie.authenticator.webauthn.label", "oie.webauthn.label"),
    ("I15", "5.0.2", "oie.okta_verify.signed_nonce.title", "oie.okta_verify.signed_nonce.label"),
    ("I16", "5.5.0", "oie.numberchallenge.force.upgrade",
     "idx.authenticator.app.method.push.force.upgrade.number_challenge"),
    ("I16", "5.5.1", "idx.authenticator.app.method.push.force.upgrade.number_challenge",
     "oie.authenticator.app.method.push.force.upgrade.number_challenge"),
    # I17: pairs read from the I18N_OVERRIDE_MAPPINGS of src/v2/ion/i18nUtils.js
    # after b0abd1ea7 (enroll-authenticator.{onprem_mfa,rsa_token}.credentials.*,
    # challenge-authenticator.{onprem_mfa,rsa_token}.credentials.passcode,
    # select-authenticator-*.authenticator.rsa_token).
    ("I17", "5.4.3", "oie.on_prem.enroll.username.label", "enroll.onprem.username.placeholder",
     _ONPREM_ENROLL),
    ("I17", "5.4.3", "oie.on_prem.enroll.passcode.label", "enroll.onprem.passcode.placeholder",
     _ONPREM_ENROLL),
    ("I17", "5.4.3", "oie.rsa.enroll.username.label", "enroll.onprem.username.placeholder",
     _ONPREM_ENROLL),
    ("I17", "5.4.3", "oie.rsa.enroll.passcode.label", "enroll.onprem.passcode.placeholder",
     _ONPREM_ENROLL),
    ("I17", "5.4.3", "oie.on_prem.verify.passcode.label", "mfa.challenge.enterCode.placeholder",
     _ENTER_CODE),
    ("I17", "5.4.3", "oie.rsa.verify.passcode.label", "mfa.challenge.enterCode.placeholder",
     _ENTER_CODE),
    ("I17", "5.4.3", "oie.rsa.label", "factor.totpHard.rsaSecurId",
     "shared Classic key, also the RSA SecurID factor name in Classic views"),
    ("I20", "6.7.0", "oie.email.verify.subtitleWithEmailAddress",
     "oie.email.verify.subtitle.text.with.email",
     "English text changed from 'verify with a link or code' to 'send a verification email'"),
    ("I20", "6.7.0", "oie.email.verify.subtitleWithoutEmailAddress",
     "oie.email.verify.subtitle.text.without.email",
     "English text changed from 'verify with a link or code' to 'send a verification email'"),
    ("I21", "4.2.2", "oie.phone.enroll.countryLabel", "country.label"),
    ("I21", "7.20.0", "country.label", "mfa.country",
     "English text changed from 'Country' to 'Country/region'"),
    ("I22", "4.2.2", "oie.phone.enroll.phoneExtensionLabel", "phone.extention.label",
     "the new key is misspelled 'extention' in the widget itself"),
    ("I23", "4.1.4", "oie.phone.enroll.smsButton", "oie.phone.sms.primaryButton"),
    ("I23", "4.1.4", "oie.phone.enroll.voiceButton", "oie.phone.call.primaryButton"),
    ("I24", "4.2.3", "oie.switch.authenticator", "oie.enroll.switch.authenticator",
     "the old key also served the verify flow, now oie.verification.switch.authenticator; "
     "copy the override there as well"),
    ("I25", "4.2.3", "universalLink.button", "oktaVerify.button"),
    ("I26", "7.16.0", "oie.select.authenticator.enroll.named.authentcator.label",
     "oie.select.authenticator.enroll.named.authenticator.label"),
    ("I26", "7.16.0", "oie.select.authenticator.verify.named.authentcator.label",
     "oie.select.authenticator.verify.named.authenticator.label"),
    ("I27", "7.27.0", "oie.idv.idp.description", "oie.idv.idp.desc"),
    ("I27", "7.27.0", "oie.idv.idp.description.agreement", "oie.idv.idp.desc.agreement"),
    ("I27", "7.27.0", "oie.idv.idp.description.termsOfUse", "oie.idv.idp.desc.termsOfUse"),
]

_OTP = "idx.return.link.otponly."
_OTP_ENTER = [_OTP + "enter.code.on.page" + s
              for s in ("", ".sign.in", ".password.reset", ".account.unlock", ".registration")]
_LNA = "chrome.lna.error.description."

# (kb, since, from, [candidates][, note]) -- old keys with no single successor.
SPLITS = [
    ("I18", "5.5.3", "oie.phone.enroll.subtitle",
     ["oie.phone.enroll.sms.subtitle", "oie.phone.enroll.call.subtitle"],
     "one subtitle per method (SMS / voice call)"),
    ("I19", "5.10.0", "oie.email.verify.alternate.sentText",
     ["oie.email.verify.alternate.magicLinkToEmailAddress",
      "oie.email.verify.alternate.magicLinkToYourEmail"],
     "with / without the email address; oie.email.verify.alternate.instructions was "
     "added beside them"),
    ("I20", "5.15.0", "oie.email.verify.subtitle",
     ["oie.email.verify.subtitleWithEmailAddress",
      "oie.email.verify.subtitleWithoutEmailAddress"],
     "with / without the email address; both were renamed again in 6.7.0"),
    ("I28", "7.40.0", _LNA + "part1",
     [_LNA + "intro", _LNA + "step1", _LNA + "step2", _LNA + "step3"], _I28_NOTE),
    ("I28", "7.40.0", _LNA + "part2",
     [_LNA + "step1", _LNA + "step2", _LNA + "step3", _LNA + "intro"], _I28_NOTE),
    ("I29", "6.3.0", _OTP + "title",
     _OTP_ENTER + [_OTP + "your.verification.code", _OTP + "warning.text", _OTP + "app"],
     _I29_NOTE),
    ("I29", "6.3.0", _OTP + "accessing.app",
     [_OTP + "app", _OTP + "your.verification.code"] + _OTP_ENTER + [_OTP + "warning.text"],
     _I29_NOTE),
    ("I29", "6.3.0", _OTP + "warning",
     [_OTP + "warning.text", _OTP + "your.verification.code"] + _OTP_ENTER + [_OTP + "app"],
     _I29_NOTE),
]

# (kb, from, to, [alternatives], note) -- Classic key still shipped, OIE view reads
# another. Notes come from what 7.49.0 renders (oracle-rendered/i18n-rendered-keys.tsv,
# dom-oracle.md).
OIE_KEYS = [
    ("I30", "primaryauth.submit", "oie.primaryauth.submit", ["oform.next"],
     "two candidates: `oie.primaryauth.submit` on the sign-in form with a password, "
     "`oform.next` on the username-first form — check which screen this override targets"),
    ("I31", "remember", "oie.remember", [], None),
    ("I32", "registration.form.title", "oie.registration.form.title", [],
     "in Gen2 `oie.registration.form.title` also labels the \"Sign up\" link on every "
     "sign-in (identify) page (rendered in 7.49.0), so this text relabels that link too"),
    ("I32", "registration.form.submit", "oie.registration.form.submit",
     ["oie.registration.form.update.submit"],
     "`oie.registration.form.update.submit` labels the button instead when an existing "
     "user is asked for more profile attributes"),
]

# Classic-only keys named in the I-table itself, with a note where the knowledge base
# row is wrong. I33 says `needhelp` was removed on Identity Engine, but the 7.49.0 OIE
# bundle still references it (oracle/i18n-key-usage.tsv); the rendered identify views
# show the `help` key instead (oracle-rendered/i18n-rendered-keys.tsv).
CLASSIC_ONLY_EXTRA = [
    ("I33", "needhelp",
     "7.49.0's Identity Engine bundle still holds the key, but its sign-in (identify) "
     "views render the `help` link instead; override `help` to change that text"),
]

# Families named in I34; an appendix B key starting with one of them gets kb I34.
I34_PREFIXES = (
    "password.forgot.sendEmail", "account.unlock.sendEmail", "recovery.sms", "recovery.call",
    "password.forgot.question.", "account.unlock.question.", "enroll.choices.", "mfa.",
)

COMMENT = (
    "i18n rule table of widget-migrate, generated by tools/gen_i18n_table.py from "
    "../shared/knowledge: renames/splits/oie_keys are curated from the widget-facts.md "
    "I-table (I1-I32, shorthand expanded to full keys; I17 pairs from the 5.4.3 "
    "i18nUtils.js mapping); removed = widget-i18n-appendix.md section A minus the "
    "rename/split sources and minus keys shipped again by 7.49.0; classic_only = I33 "
    "needhelp + appendix B (kb I34 for the I34 families, else I18N-B) minus oie_keys "
    "sources. 'since' = first release without the old key. Chains (I7, I14, I16, I20, "
    "I21) are separate rows; the engine follows them. Every to/candidate/alternative "
    "is in keys-7.49.0 except chain steps (which are the 'from' of a later row). "
    "Some rename targets are themselves Classic-only (I1-I5 email/webauthn keys) and "
    "so also appear in classic_only. Sorted: renames/splits/removed by (since, key); "
    "oie_keys/classic_only by key. Check with tools/check_i18n_table.py."
)


def semver(v: str):
    return tuple(int(p) for p in v.split("."))


def parse_appendix(text: str):
    """Return ([(first_absent, key)] of section A, [keys] of section B)."""
    sec_a = text.split("## A.", 1)[1].split("## B.", 1)[0]
    removed = []
    for line in sec_a.splitlines():
        m = re.match(r"^\|\s*(\d+\.\d+\.\d+)\s*\|", line)
        if not m:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "…" in cells[2]:
            print(f"warning: appendix A row {cells[0]} {cells[1][:9]}: removed list is "
                  "truncated", file=sys.stderr)
        removed += [(m.group(1), k) for k in re.findall(r"`([^`]+)`", cells[2])]
    sec_b = text.split("## B.", 1)[1]
    block = re.search(r"```\n(.*?)```", sec_b, re.S)
    return removed, block.group(1).split()


def load_keys(kdir: Path, version: str) -> set:
    return set((kdir / "oracle" / f"keys-{version}.txt").read_text(encoding="utf-8").split())


def build(kdir: Path) -> dict:
    appendix = (kdir / "widget-i18n-appendix.md").read_text(encoding="utf-8")
    removed_a, classic_b = parse_appendix(appendix)
    newest = load_keys(kdir, NEWEST)

    renames = []
    for kb, since, old, new, *note in RENAMES:
        row = {"kb": kb, "since": since, "from": old, "to": new}
        if note:
            row["note"] = note[0]
        if new in UNSAFE_TARGETS:
            row["safety"] = "unsafe"
        renames.append(row)
    splits = []
    for kb, since, old, cands, *note in SPLITS:
        row = {"kb": kb, "since": since, "from": old, "candidates": cands}
        if note:
            row["note"] = note[0]
        splits.append(row)
    oie_keys = []
    for kb, old, new, alts, note in OIE_KEYS:
        row = {"kb": kb, "from": old, "to": new}
        if alts:
            row["alternatives"] = alts
        if note:
            row["note"] = note
        oie_keys.append(row)

    moved = {r["from"] for r in renames + splits}
    removed, seen = [], set()
    for since, key in removed_a:
        if key in moved or key in seen:
            continue
        if key in newest:
            print(f"note: {key} (appendix A, {since}) is shipped by {NEWEST}; not removed",
                  file=sys.stderr)
            continue
        seen.add(key)
        removed.append({"since": since, "key": key})

    taken = moved | {r["from"] for r in oie_keys}
    classic = {key: kb for kb, key, _ in CLASSIC_ONLY_EXTRA}
    classic_notes = {key: note for _, key, note in CLASSIC_ONLY_EXTRA}
    for key in classic_b:
        if key in taken or key in classic:
            continue
        classic[key] = "I34" if key.startswith(I34_PREFIXES) else "I18N-B"

    renames.sort(key=lambda r: (semver(r["since"]), r["from"]))
    splits.sort(key=lambda r: (semver(r["since"]), r["from"]))
    removed.sort(key=lambda r: (semver(r["since"]), r["key"]))
    oie_keys.sort(key=lambda r: r["from"])
    return {
        "_comment": COMMENT,
        "renames": renames,
        "splits": splits,
        "removed": removed,
        "oie_keys": oie_keys,
        "classic_only": [
            dict({"kb": classic[k], "key": k},
                 **({"note": classic_notes[k]} if k in classic_notes else {}))
            for k in sorted(classic)
        ],
    }


def main() -> int:
    kdir = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "knowledge"
    doc = build(kdir)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k}={len(v)}" for k, v in doc.items() if isinstance(v, list))
    print(f"wrote {OUT.relative_to(REPO)}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
