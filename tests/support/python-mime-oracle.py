#!/usr/bin/env python3
# The independent decoding for tests/protocol/mime-corpus.test.ts: Python's own
# email package (policy.default, the modern header and content machinery),
# which shares no code with mailparser, libmime or Yubin's server/mime/.
#
# Usage: python-mime-oracle.py DIR — reads every *.eml in DIR and prints one
# JSON object {name: result}. Each result tells the subject, the first From
# address and display name, every leaf part (type, disposition, filename,
# decoded text for text/*, whether it sits inside an attached message), or
# the error Python raised. Nothing here knows what Yubin does.
import json
import os
import re
import sys
from email import policy
from email.parser import BytesParser


def header_text(msg, name):
    try:
        value = msg[name]
    except Exception as error:  # a header Python cannot model at all
        return {"error": repr(error)}
    return None if value is None else str(value)


def sender(msg):
    try:
        field = msg["from"]
        if field is None:
            return None
        addresses = field.addresses
        if not addresses:
            return {"address": "", "name": "", "raw": str(field)}
        first = addresses[0]
        address = f"{first.username}@{first.domain}" if first.domain else first.username
        return {"address": address, "name": first.display_name or "", "raw": str(field)}
    except Exception as error:
        return {"error": repr(error)}


def part_text(part):
    if part.get_content_maintype() == "text":
        try:
            return part.get_content()
        except LookupError:
            # An unknown charset: Python's fallback, as raw-unicode-escape would mangle it.
            payload = part.get_payload(decode=True) or b""
            return payload.decode("utf-8", "replace")
        except Exception as error:
            return {"error": repr(error)}
    if part.get_content_maintype() == "multipart":
        # A multipart Python could not split (no boundary, or one that never occurs): its body as is.
        payload = part.get_payload()
        return payload if isinstance(payload, str) else None
    if part.get_content_type() == "message/delivery-status":
        # policy.default models the status as header blocks; their text is what a reader sees.
        blocks = part.get_payload()
        lines = []
        for block in blocks if isinstance(blocks, list) else []:
            for key, value in block.items():
                lines.append(f"{key}: {value}")
        return "\n".join(lines)
    return None


def leaves(part, inside_message, inline_message, out):
    content_type = part.get_content_type()
    # policy.default splits a delivery status into header blocks; to a reader it is one part.
    if part.is_multipart() and content_type != "message/delivery-status":
        attached = content_type == "message/rfc822"
        disposition = part.get_content_disposition()
        if attached:
            # The attached message itself is a leaf for whoever shows it as an attachment.
            out.append(
                {
                    "type": content_type,
                    "disposition": disposition,
                    "filename": safe_filename(part),
                    "insideMessage": inside_message,
                    "text": None,
                }
            )
        for child in part.iter_parts() if not attached else part.get_payload():
            leaves(
                child,
                inside_message or attached,
                (disposition == "inline" and (inline_message or not inside_message)) if attached else inline_message,
                out,
            )
        return
    out.append(
        {
            "type": content_type,
            "charset": part.get_content_charset(),
            "disposition": part.get_content_disposition(),
            "filename": safe_filename(part),
            "boundary": part.get_boundary() if part.get_content_maintype() == "multipart" else None,
            "insideMessage": inside_message,
            "inlineMessage": inline_message,
            "text": part_text(part),
        }
    )


def safe_filename(part):
    try:
        return part.get_filename()
    except Exception as error:
        return {"error": repr(error)}


def analyse(raw):
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    parts = []
    leaves(msg, False, False, parts)
    return {
        "subject": header_text(msg, "subject"),
        "from": sender(msg),
        "contentType": msg.get_content_type(),
        "parts": parts,
        "defects": [type(defect).__name__ for defect in msg.defects],
    }


def clean(value):
    # Bytes Python could not decode come back as lone surrogates (surrogateescape):
    # to a reader they are undecodable, so U+FFFD, as Python's "replace" gives elsewhere.
    if isinstance(value, str):
        return re.sub("[\udc80-\udcff]+", "\ufffd", value)
    if isinstance(value, list):
        return [clean(item) for item in value]
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    return value


def main():
    folder = sys.argv[1]
    results = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(folder, name), "rb") as handle:
            raw = handle.read()
        try:
            results[name[: -len(".eml")]] = analyse(raw)
        except Exception as error:
            results[name[: -len(".eml")]] = {"error": repr(error)}
    json.dump(clean(results), sys.stdout, ensure_ascii=True)


main()
