"""Guest memory: ranges, reads and writes (memory.*), for ordinary and shared memories alike."""

import ctypes

from wasmtime import SharedMemory

from abi import U32_MAX


class SharedMemoryView:
    """wasmtime-py's SharedMemory takes no store and has no read or write; this gives it those of a Memory."""

    def __init__(self, shared):
        self.shared = shared

    def data_len(self, _store):
        return self.shared.data_len()

    def read(self, _store, start, stop):
        return ctypes.string_at(self._base() + start, stop - start)

    def write(self, _store, data, start):
        ctypes.memmove(self._base() + start, bytes(data), len(data))

    def _base(self):
        return ctypes.addressof(self.shared.data_ptr().contents)


def guest_memory(export):
    """The instance's `memory` export, as something with Memory's data_len, read and write."""
    return SharedMemoryView(export) if isinstance(export, SharedMemory) else export


def in_memory(memory, store, ptr, length):
    """memory.range, memory.wrap: [ptr, ptr + length), both read as u32, is in memory when its end, computed without
    wrapping, is at most the memory's size; an end past 2^32 never is. memory.current: the size is read now."""
    return (ptr & U32_MAX) + (length & U32_MAX) <= memory.data_len(store)


def read_bytes(memory, store, ptr, length):
    """A copy of guest bytes whose range the caller has checked."""
    ptr &= U32_MAX
    length &= U32_MAX
    if length == 0:
        return b""
    return bytes(memory.read(store, ptr, ptr + length))


def write_bytes(memory, store, ptr, data):
    memory.write(store, data, ptr & U32_MAX)
