"""Message templates and the senders (SMTP through aiosmtplib, or the log in zero-setup mode)."""
