"""Telephony logs read into queue attempts: Asterisk queue_log and a CSV layout."""
