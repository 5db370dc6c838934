"""A small PKI for tests: certification authorities, signing certificates like the ones Ecuador's
accredited CAs issue (the cédula in the subject's serialNumber), and CMS detached signatures made
the way a TOKEN makes them, with `cryptography`'s PKCS#7 builder.

    ca = make_ca()
    signer = ca.issue(serial_number="0912345675", common_name="JUAN PEREZ")
    signature = signer.sign(agreement_text)          # base64 DER, detached SignedData
    signAgreement(version, signature, signer.certificate_pem)

The default validity (2000–2099) holds on any fixed clock a test picks. EC P-256 keys are the
default because they are made in microseconds; `key_type="rsa"` gives RSA 2048.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KeyType = Literal["ec", "rsa"]
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
            )
        ).decode("ascii")

    def sign_der(
        self,
        data: bytes,
        *,
        hash_algorithm: pkcs7.PKCS7HashTypes | None = None,
        signed_attributes: bool = True,
        include_chain: bool = True,
        rsa_pss: bool = False,
    ) -> bytes:
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
        options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
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
    ) -> TestSigner:
        """A signing certificate whose subject carries `serial_number` (the cédula, as Ecuador's
        CAs put it; None leaves the attribute out). `key_usage=False` leaves the keyUsage
        extension out; otherwise it has the two signing bits asked for (plus keyEncipherment for RSA)."""
        attributes = [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "EC"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
        if serial_number is not None:
            attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
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
        certificate = builder.sign(self.private_key, hashes.SHA256())
        return TestSigner(certificate=certificate, private_key=key, chain=self.chain)


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
