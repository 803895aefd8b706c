// SPDX-License-Identifier: GPL-2.0
/*
 * tls_names.c - the names a reader of RFC 8446 and RFC 5246 knows for
 * the numbers in TLS records: content types, versions, the kTLS cipher
 * numbers, handshake message types and alerts.  One table each, shared
 * by every tool that writes TLS records on a diagram.
 */
#include <stddef.h>

#include "tltrace.h"

const char *tl_tls_type_name(unsigned int type)
{
	switch (type) {
	case 20:
		return "ChangeCipherSpec";
	case 21:
		return "alert";
	case 22:
		return "handshake";
	case 23:
		return "appdata";
	case 24:
		return "heartbeat";
	}
	return "type?";
}

const char *tl_tls_version_name(unsigned int version)
{
	switch (version) {
	case 0x0301:
		return "TLS 1.0";
	case 0x0302:
		return "TLS 1.1";
	case 0x0303:
		return "TLS 1.2";
	case 0x0304:
		return "TLS 1.3";
	}
	return "TLS ?";
}

/* The kTLS cipher numbers of <linux/tls.h>. */
const char *tl_tls_cipher_name(unsigned int cipher)
{
	switch (cipher) {
	case 51:
		return "AES-128-GCM";
	case 52:
		return "AES-256-GCM";
	case 53:
		return "AES-128-CCM";
	case 54:
		return "CHACHA20-POLY1305";
	}
	return "cipher?";
}

/*
 * HandshakeType: RFC 8446 §4 and the TLS 1.2 messages of RFC 5246 §7.4
 * (plus RFC 6066's CertificateURL and CertificateStatus, RFC 8879's
 * CompressedCertificate).  HelloRetryRequest has no number of its own in
 * TLS 1.3: it is a ServerHello with a fixed random (tl_tls_is_hrr()).
 */
static const char *const hs_names[] = {
	[0] = "HelloRequest",
	[1] = "ClientHello",
	[2] = "ServerHello",
	[3] = "HelloVerifyRequest",
	[4] = "NewSessionTicket",
	[5] = "EndOfEarlyData",
	[8] = "EncryptedExtensions",
	[11] = "Certificate",
	[12] = "ServerKeyExchange",
	[13] = "CertificateRequest",
	[14] = "ServerHelloDone",
	[15] = "CertificateVerify",
	[16] = "ClientKeyExchange",
	[20] = "Finished",
	[21] = "CertificateURL",
	[22] = "CertificateStatus",
	[24] = "KeyUpdate",
	[25] = "CompressedCertificate",
};

const char *tl_tls_handshake_name(unsigned int type)
{
	if (type == 254)
		return "MessageHash";
	if (type < sizeof(hs_names) / sizeof(hs_names[0]))
		return hs_names[type];
	return NULL;
}

/* AlertDescription: RFC 8446 §6, with the TLS 1.2 values it reserves. */
static const char *const alert_names[] = {
	[0] = "close_notify",
	[10] = "unexpected_message",
	[20] = "bad_record_mac",
	[21] = "decryption_failed",
	[22] = "record_overflow",
	[30] = "decompression_failure",
	[40] = "handshake_failure",
	[41] = "no_certificate",
	[42] = "bad_certificate",
	[43] = "unsupported_certificate",
	[44] = "certificate_revoked",
	[45] = "certificate_expired",
	[46] = "certificate_unknown",
	[47] = "illegal_parameter",
	[48] = "unknown_ca",
	[49] = "access_denied",
	[50] = "decode_error",
	[51] = "decrypt_error",
	[60] = "export_restriction",
	[70] = "protocol_version",
	[71] = "insufficient_security",
	[80] = "internal_error",
	[86] = "inappropriate_fallback",
	[90] = "user_canceled",
	[100] = "no_renegotiation",
	[109] = "missing_extension",
	[110] = "unsupported_extension",
	[111] = "certificate_unobtainable",
	[112] = "unrecognized_name",
	[113] = "bad_certificate_status_response",
	[114] = "bad_certificate_hash_value",
	[115] = "unknown_psk_identity",
	[116] = "certificate_required",
	[120] = "no_application_protocol",
};

const char *tl_tls_alert_name(unsigned int desc)
{
	if (desc < sizeof(alert_names) / sizeof(alert_names[0]))
		return alert_names[desc];
	return NULL;
}

const char *tl_tls_alert_level_name(unsigned int level)
{
	switch (level) {
	case 1:
		return "warning";
	case 2:
		return "fatal";
	}
	return NULL;
}

/* RFC 8446 §4.1.3: SHA-256("HelloRetryRequest") as the ServerHello random. */
bool tl_tls_is_hrr(const unsigned char random[32])
{
	static const unsigned char hrr[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
		0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
		0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	int i;

	for (i = 0; i < 32; i++)
		if (random[i] != hrr[i])
			return false;
	return true;
}
