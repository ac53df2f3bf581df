"""TOTP codes and recovery codes, without a server."""

import pyotp

from backend.mfa import totp

NOW = 1_800_000_000.0  # a fixed clock: no test depends on when it runs


def test_codes_from_the_step_before_now_and_after_are_accepted_once():
    secret = totp.new_secret()
    app = pyotp.TOTP(secret)
    step = int(NOW // 30)
    assert totp.accepted_step(secret, app.at(NOW), 0, now=NOW) == step
    assert totp.accepted_step(secret, app.at(NOW - 30), 0, now=NOW) == step - 1
    assert totp.accepted_step(secret, app.at(NOW + 30), 0, now=NOW) == step + 1
    assert totp.accepted_step(secret, app.at(NOW - 60), 0, now=NOW) is None
    # Used once: that step and every earlier one are spent.
    assert totp.accepted_step(secret, app.at(NOW), step, now=NOW) is None
    assert totp.accepted_step(secret, app.at(NOW - 30), step, now=NOW) is None


def test_typing_noise_and_wrong_codes():
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    assert totp.accepted_step(secret, f" {code[:3]} {code[3:]} ", 0, now=NOW) is not None
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert totp.accepted_step(secret, wrong, 0, now=NOW) is None
    assert totp.accepted_step(secret, "abcdef", 0, now=NOW) is None


def test_provisioning_uri_names_the_account_and_the_service():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ann@example.org")
    assert uri.startswith("otpauth://totp/Evidence%20Workbench:ann%40example.org?")
    assert "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri and "issuer=Evidence%20Workbench" in uri
    assert totp.qr_data_uri(uri).startswith("data:image/svg+xml")


def test_recovery_codes_are_many_bits_and_read_back_as_typed():
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(c) == 19 and c.count("-") == 3 for c in codes)
    assert totp.normalise_recovery_code(codes[0].upper().replace("-", " ")) == codes[0]
