"""A small PKI for tests: certification authorities, signing certificates like the ones Ecuador's
accredited CAs issue, and CMS detached signatures made the way a TOKEN makes them, with
`cryptography`'s PKCS#7 builder (binary, or in S/MIME text mode) or with the `openssl` CLI.

    ca = make_ca()
    signer = ca.issue(serial_number="0912345675", common_name="JUAN PEREZ")
    signature = signer.sign(agreement_text)          # base64 DER, detached SignedData
    signAgreement(version, signature, signer.certificate_pem)

Both layouts of `data/ec-signing-certificates/` (`Holder`, `TestCA.issue_holder`): the subject
layout of resolution ARCOTEL-2024-0176 (serialNumber, organizationIdentifier, O, title, given
name, surname, and the kind as a policy `PEN.2.x.1`), and the older extension layout (the holder in
private extensions `PEN.3.1` cédula ... `PEN.3.11` RUC, each a UTF8String).

The default validity (2000–2099) holds on any fixed clock a test picks. EC P-256 keys are the
default because they are made in microseconds; `key_type="rsa"` gives RSA 2048.
"""

from __future__ import annotations

import base64
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KeyType = Literal["ec", "rsa"]
Layout = Literal["subject", "extensions"]

SECURITY_DATA_PEN = "1.3.6.1.4.1.37746"
BANCO_CENTRAL_PEN = "1.3.6.1.4.1.37947"
ARGOS_DATA_PEN = "1.3.6.1.4.1.59198"
CONSEJO_JUDICATURA_PEN = "1.3.6.1.4.1.43745"
# The kinds as ARCOTEL-2024-0176's numbering writes them under a CA's PEN (Security Data's, ...).
NATURAL_PERSON_POLICY = "2.1.1"
COMPANY_MEMBER_POLICY = "2.2.1"
LEGAL_REPRESENTATIVE_POLICY = "2.3.1"
ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

DEFAULT_NOT_BEFORE = datetime(2000, 1, 1, tzinfo=UTC)
DEFAULT_NOT_AFTER = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)


def generate_key(key_type: KeyType = "ec") -> PrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _key_usage(
    *,
    digital_signature: bool = False,
    non_repudiation: bool = False,
    key_encipherment: bool = False,
    key_cert_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=key_cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True, slots=True)
class Holder:
    """The person a certificate names, and for company kinds the company."""

    cedula: str
    given_names: str
    first_surname: str
    second_surname: str = ""
    position: str | None = None
    company_ruc: str | None = None
    company_name: str | None = None

    @property
    def surnames(self) -> str:
        return " ".join(part for part in (self.first_surname, self.second_surname) if part)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surnames}"


@dataclass(frozen=True, slots=True)
class TestSigner:
    """An end-entity signing certificate with its key, as on a TOKEN."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    certificate: x509.Certificate
    private_key: PrivateKey
    chain: tuple[x509.Certificate, ...] = ()
    """The CA certificates between this certificate and the root (root excluded)."""

    @property
    def certificate_pem(self) -> str:
        return certificate_pem(self.certificate)

    def sign(
        self,
        text: str,
        *,
        hash_algorithm: pkcs7.PKCS7HashTypes | None = None,
        signed_attributes: bool = True,
        include_chain: bool = True,
        rsa_pss: bool = False,
        binary: bool = True,
    ) -> str:
        """Base64 of a DER CMS SignedData, detached, over the UTF-8 text; the signer certificate
        and (with `include_chain`) the intermediate CAs go in its `certificates` set."""
        return base64.b64encode(
            self.sign_der(
                text.encode("utf-8"),
                hash_algorithm=hash_algorithm,
                signed_attributes=signed_attributes,
                include_chain=include_chain,
                rsa_pss=rsa_pss,
                binary=binary,
            )
        ).decode("ascii")

    def sign_with_openssl(self, text: str, *, extra_arguments: tuple[str, ...] = ()) -> str:
        """Base64 of the DER signature `openssl cms -sign` makes of the UTF-8 text, as a user
        following the README would (by default S/MIME text mode: CRLF line ends)."""
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            (folder / "convenio.txt").write_bytes(text.encode("utf-8"))
            (folder / "certificado.pem").write_text(self.certificate_pem)
            (folder / "clave.pem").write_bytes(
                self.private_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            command = [
                "openssl", "cms", "-sign",
                "-in", str(folder / "convenio.txt"),
                "-signer", str(folder / "certificado.pem"),
                "-inkey", str(folder / "clave.pem"),
                "-md", "sha256",
                "-outform", "DER",
                "-out", str(folder / "firma.p7s"),
                *extra_arguments,
            ]  # fmt: skip
            subprocess.run(command, check=True, capture_output=True, timeout=30)
            return base64.b64encode((folder / "firma.p7s").read_bytes()).decode("ascii")

    def sign_der(
        self,
        data: bytes,
        *,
        hash_algorithm: pkcs7.PKCS7HashTypes | None = None,
        signed_attributes: bool = True,
        include_chain: bool = True,
        rsa_pss: bool = False,
        binary: bool = True,
    ) -> bytes:
        """`binary=False` signs as S/MIME text mode does (the builder's default): the data's
        CRLF-canonical form."""
        algorithm = hash_algorithm or hashes.SHA256()
        rsa_padding = (
            padding.PSS(mgf=padding.MGF1(algorithm), salt_length=padding.PSS.DIGEST_LENGTH)
            if rsa_pss
            else None
        )
        builder = (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(data)
            .add_signer(
                self.certificate,
                self.private_key,
                algorithm,
                rsa_padding=rsa_padding,
            )
        )
        if include_chain:
            for certificate in self.chain:
                builder = builder.add_certificate(certificate)
        options = [pkcs7.PKCS7Options.DetachedSignature]
        if binary:
            options.append(pkcs7.PKCS7Options.Binary)
        if not signed_attributes:
            options.append(pkcs7.PKCS7Options.NoAttributes)
        return builder.sign(serialization.Encoding.DER, options)


@dataclass(frozen=True, slots=True)
class TestCA:
    """A certification authority: a root (self-signed) or an intermediate (`TestCA.intermediate`)."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    certificate: x509.Certificate
    private_key: PrivateKey
    chain: tuple[x509.Certificate, ...] = field(default=())
    """The intermediate CA certificates from this CA up to the root, this one first (empty for a
    root): what a signer below it embeds in its signatures."""

    @property
    def certificate_pem(self) -> str:
        return certificate_pem(self.certificate)

    @property
    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def _builder(
        self,
        *,
        subject: x509.Name,
        public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
        not_before: datetime | None,
        not_after: datetime | None,
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or DEFAULT_NOT_BEFORE)
            .not_valid_after(not_after or DEFAULT_NOT_AFTER)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.private_key.public_key()),
                critical=False,
            )
        )

    def intermediate(
        self,
        name: str = "Test Intermediate CA",
        *,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key_type: KeyType = "ec",
    ) -> TestCA:
        """A subordinate CA certified by this one."""
        key = generate_key(key_type)
        certificate = (
            self._builder(
                subject=_ca_name(name),
                public_key=key.public_key(),
                not_before=not_before,
                not_after=not_after,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(key_cert_sign=True), critical=True)
            .sign(self.private_key, hashes.SHA256())
        )
        return TestCA(certificate=certificate, private_key=key, chain=(certificate, *self.chain))

    def issue(
        self,
        *,
        serial_number: str | None,
        common_name: str,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key_usage_digital_signature: bool = True,
        key_usage_non_repudiation: bool = True,
        key_usage: bool = True,
        extended_key_usage: tuple[x509.ObjectIdentifier, ...] = (
            ExtendedKeyUsageOID.EMAIL_PROTECTION,
        ),
        key_type: KeyType = "ec",
        subject_attributes: tuple[tuple[x509.ObjectIdentifier, str], ...] = (),
        policies: tuple[str, ...] = (),
        private_extensions: tuple[tuple[str, str], ...] = (),
    ) -> TestSigner:
        """A signing certificate whose subject carries `serial_number` (the cédula, as Ecuador's
        CAs put it; None leaves the attribute out). `key_usage=False` leaves the keyUsage
        extension out; otherwise it has the two signing bits asked for (plus keyEncipherment for
        RSA). `subject_attributes` are added to the subject, `policies` (dotted OIDs) make a
        certificatePolicies extension, `private_extensions` ((OID, text), ...) non-critical
        UTF8String extensions."""
        attributes = [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "EC"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
        if serial_number is not None:
            attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
        attributes.extend(x509.NameAttribute(oid, value) for oid, value in subject_attributes)
        key = generate_key(key_type)
        builder = self._builder(
            subject=x509.Name(attributes),
            public_key=key.public_key(),
            not_before=not_before,
            not_after=not_after,
        ).add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        if key_usage:
            builder = builder.add_extension(
                _key_usage(
                    digital_signature=key_usage_digital_signature,
                    non_repudiation=key_usage_non_repudiation,
                    key_encipherment=key_type == "rsa",
                ),
                critical=True,
            )
        if extended_key_usage:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage(list(extended_key_usage)), critical=False
            )
        if policies:
            builder = builder.add_extension(
                x509.CertificatePolicies(
                    [x509.PolicyInformation(x509.ObjectIdentifier(oid), None) for oid in policies]
                ),
                critical=False,
            )
        for oid, value in private_extensions:
            extension = x509.UnrecognizedExtension(
                x509.ObjectIdentifier(oid), core.UTF8String(value).dump()
            )
            builder = builder.add_extension(extension, critical=False)
        certificate = builder.sign(self.private_key, hashes.SHA256())
        return TestSigner(certificate=certificate, private_key=key, chain=self.chain)

    def issue_holder(
        self,
        holder: Holder,
        *,
        layout: Layout = "subject",
        pen: str = SECURITY_DATA_PEN,
        kind_policy: str | None = NATURAL_PERSON_POLICY,
        field_arc: str = "3",
        **options: Any,
    ) -> TestSigner:
        """A certificate naming `holder` in one of the two layouts of Ecuador's CAs, of the kind
        `PEN.<kind_policy>` (None: no policy). In the extension layout the subject's
        serialNumber is a number of the CA's own, as Banco Central's older certificates have it,
        so that only the extensions name the holder. `options` go to `issue`."""
        policies = (f"{pen}.{kind_policy}",) if kind_policy is not None else ()
        if layout == "subject":
            attributes: list[tuple[x509.ObjectIdentifier, str]] = [
                (NameOID.GIVEN_NAME, holder.given_names),
                (NameOID.SURNAME, holder.surnames),
            ]
            if holder.position is not None:
                attributes.append((NameOID.TITLE, holder.position))
            if holder.company_name is not None:
                attributes.append((NameOID.ORGANIZATION_NAME, holder.company_name))
            if holder.company_ruc is not None:
                attributes.append((ORGANIZATION_IDENTIFIER, f"VATEC-{holder.company_ruc}"))
            return self.issue(
                serial_number=holder.cedula,
                common_name=holder.full_name,
                subject_attributes=tuple(attributes),
                policies=policies,
                **options,
            )
        fields = {
            1: holder.cedula,
            2: holder.given_names,
            3: holder.first_surname,
            4: holder.second_surname,
            5: holder.position,
            10: holder.company_name,
            11: holder.company_ruc,
            12: "ECUADOR",
        }
        return self.issue(
            serial_number="0000071234",
            common_name=holder.full_name,
            policies=policies,
            private_extensions=tuple(
                (f"{pen}.{field_arc}.{number}", value) for number, value in fields.items() if value
            ),
            **options,
        )


def _ca_name(name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "EC"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pruebas Ecuapass"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )


def make_ca(
    name: str = "Test CA",
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key_type: KeyType = "ec",
) -> TestCA:
    """A self-signed root CA: basicConstraints cA (critical) and keyUsage keyCertSign, cRLSign."""
    key = generate_key(key_type)
    subject = _ca_name(name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or DEFAULT_NOT_BEFORE)
        .not_valid_after(not_after or DEFAULT_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(key_cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return TestCA(certificate=certificate, private_key=key)
