;; ABI 1.1: job_metrics writes the job's own metrics as they stand into 24 bytes at out_ptr (bytes u64, items u64,
;; warnings u32, non-critical errors u32, little-endian). The job adds 5000000000 bytes, 3 items, two warnings (under
;; maxWarningsPerJob 1 the second is dropped, and not counted) and a non-critical error, reads its metrics and logs
;; them; bytes are then saturated at 2^64 - 1 and read again, into address 0: memory like any other (memory.range).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_metrics" (func $metrics (param i32 i32) (result i32)))
  (import "spacedrive" "job_increment_bytes" (func $bytes (param i32 i64)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))
  (import "spacedrive" "job_add_non_critical_error" (func $error (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "metrics")               ;; 7
  (data (i32.const 72) "execute_metrics")       ;; 15
  (data (i32.const 88) "careful")               ;; 7
  (data (i32.const 96) "skipped one")           ;; 11
  (data (i32.const 112) "bytes=")               ;; 6
  (data (i32.const 120) " items=")              ;; 7
  (data (i32.const 128) " warnings=")           ;; 10
  (data (i32.const 144) " errors=")             ;; 8

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  ;; Writes the u64 $n in decimal at $dst; returns the number of bytes written.
  (func $write_u64 (param $dst i32) (param $n i64) (result i32)
    (local $len i32) (local $t i64) (local $i i32)
    (local.set $t (local.get $n))
    (loop $count
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $t (i64.div_u (local.get $t) (i64.const 10)))
      (br_if $count (i64.ne (local.get $t) (i64.const 0))))
    (local.set $i (local.get $len))
    (loop $digits
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
        (i32.wrap_i64 (i64.add (i64.const 48) (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (local.get $i)))
    (local.get $len))

  ;; Logs the metrics read into 1024..1047 as "bytes=<b> items=<i> warnings=<w> errors=<e>" from 2048.
  (func $log_metrics (param $id i32)
    (local $at i32)
    (local.set $at (i32.const 2048))
    (local.set $at (i32.add (local.get $at) (call $copy (local.get $at) (i32.const 112) (i32.const 6))))
    (local.set $at (i32.add (local.get $at) (call $write_u64 (local.get $at) (i64.load (i32.const 1024)))))
    (local.set $at (i32.add (local.get $at) (call $copy (local.get $at) (i32.const 120) (i32.const 7))))
    (local.set $at (i32.add (local.get $at) (call $write_u64 (local.get $at) (i64.load (i32.const 1032)))))
    (local.set $at (i32.add (local.get $at) (call $copy (local.get $at) (i32.const 128) (i32.const 10))))
    (local.set $at (i32.add (local.get $at) (call $write_u32 (local.get $at) (i32.load (i32.const 1040)))))
    (local.set $at (i32.add (local.get $at) (call $copy (local.get $at) (i32.const 144) (i32.const 8))))
    (local.set $at (i32.add (local.get $at) (call $write_u32 (local.get $at) (i32.load (i32.const 1044)))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048) (i32.sub (local.get $at) (i32.const 2048))))

  (func (export "execute_metrics") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $bytes (local.get $id) (i64.const 5000000000))
    (call $items (local.get $id) (i64.const 3))
    (call $warning (local.get $id) (i32.const 88) (i32.const 7))
    (call $warning (local.get $id) (i32.const 88) (i32.const 7))
    (call $error (local.get $id) (i32.const 96) (i32.const 11))
    (if (call $metrics (local.get $id) (i32.const 1024)) (then (return (i32.const 2))))
    (call $log_metrics (local.get $id))
    (call $bytes (local.get $id) (i64.const -1))
    ;; The second read goes to out_ptr 0. Its 24 bytes cover the job id the runtime keeps at 16..31: they are copied to
    ;; 1024 and the id is parsed from the context again.
    (if (call $metrics (local.get $id) (i32.const 0)) (then (return (i32.const 2))))
    (drop (call $copy (i32.const 1024) (i32.const 0) (i32.const 24)))
    (local.set $id (call $job_id (local.get $ctx)))
    (call $log_metrics (local.get $id))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
