# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A loopback DNS server answering TXT queries from a dict, for the tests."""

import socket
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class LoopbackDns:
    """UDP server on 127.0.0.1; ``records`` maps a name to its TXT strings.

    A name not in ``records`` answers NXDOMAIN; a name in ``silent`` gets no
    answer at all (the resolver times out, as with a dead name server).
    """

    def __init__(self, records, silent=()):
        self.records = {
            name.rstrip(".").lower(): txts for name, txts in records.items()
        }
        self.silent = {name.rstrip(".").lower() for name in silent}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def nameserver(self):
        return f"127.0.0.1:{self.port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sock.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                data, address = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            if name in self.silent:
                continue
            txts = self.records.get(name)
            if txts is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.TXT:
                response.answer.append(
                    dns.rrset.from_text_list(
                        question.name, 300, "IN", "TXT", [f'"{txt}"' for txt in txts]
                    )
                )
            self.sock.sendto(response.to_wire(), address)
