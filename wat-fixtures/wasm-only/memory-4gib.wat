;; WASM-only: text in a 4 GiB memory (scenario: maxMemoryPages 65536). The job grows its memory from 1 page by 65535
;; (memory.grow answers 1), so that memory ends at exactly 2^32 (END), and logs "4 GiB: 1 65536" (grow's answer and
;; memory.size). It then logs each of its texts twice, from its data segment at the bottom of memory and from a copy
;; at the top, each read byte for byte:
;;   "héllo, wörld" (14 bytes, UTF-8 with two 2-byte characters), at 96 and at 0xffff0000;
;;   "bad \ff!!!" (8 bytes, not UTF-8), at 112 and at 0xffff0100: refused with BAD_ARGUMENT (call.utf8);
;;   "top €z" (8 bytes) at END - 8, its last byte the last of memory: the pair ends at exactly 2^32, which is in
;;   memory; then its first 4 bytes, "top " (ASCII, a whole word), and its last 3, "\82\acz" (the tail of the euro
;;   sign, not UTF-8): BAD_ARGUMENT;
;;   (0xffffffff, 1), "z": in memory (memory.range); (0xffffffff, 2), one byte past 2^32: INVALID_MEMORY_ACCESS
;;   (memory.wrap).
;; The memory is reserved, not touched: only its first and last 64 KiB pages are written.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "top")                             ;; 3
  (data (i32.const 72) "execute_top")                     ;; 11
  (data (i32.const 96) "h\c3\a9llo, w\c3\b6rld")          ;; 14
  (data (i32.const 112) "bad \ff!!!")                     ;; 8
  (data (i32.const 128) "top \e2\82\acz")                 ;; 8
  (data (i32.const 144) "4 GiB: ")                        ;; 7

  (global $line (mut i32) (i32.const 1024))
  ;; Appends "<n> ".
  (func $num (param $n i32)
    (global.set $line (i32.add (global.get $line) (call $write_u32 (global.get $line) (local.get $n))))
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 1))))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 3) (i32.const 72) (i32.const 11) (i32.const 1)))

  (func (export "execute_top") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $line (i32.add (global.get $line) (call $copy (global.get $line) (i32.const 144) (i32.const 7))))
    (call $num (memory.grow (i32.const 65535)))
    (call $num (memory.size))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (global.get $line) (i32.const 1025)))
    (drop (call $copy (i32.const 0xffff0000) (i32.const 96) (i32.const 14)))
    (drop (call $copy (i32.const 0xffff0100) (i32.const 112) (i32.const 8)))
    (drop (call $copy (i32.const 0xfffffff8) (i32.const 128) (i32.const 8)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 14))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 0xffff0000) (i32.const 14))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 8))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 0xffff0100) (i32.const 8))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 0xfffffff8) (i32.const 8))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 0xfffffff8) (i32.const 4))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 0xfffffffd) (i32.const 3))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 0xffffffff) (i32.const 1))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 0xffffffff) (i32.const 2))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
