;; A counter job shaped like Spacedrive's test extension: loop, check for an interrupt, count one item, report
;; "Counted i/n", checkpoint every 10 steps; on an interrupt checkpoint twice (the job, then the SDK's macro) and
;; return 1. Exports the table and globals a Rust-built guest has.
(module
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (table (export "__indirect_function_table") 1 funcref)
  (global (export "__data_end") i32 (i32.const 1024))
  (global (export "__heap_base") i32 (i32.const 4096))

  (data (i32.const 64) "counter")                 ;; 7
  (data (i32.const 80) "execute_counter")         ;; 15
  (data (i32.const 96) "{\"current\":")           ;; 11
  (data (i32.const 112) ",\"target\":")           ;; 10
  (data (i32.const 128) "Counted ")               ;; 8
  (data (i32.const 144) "Counter starting")       ;; 16
  (data (i32.const 160) "Counter completed")      ;; 17
  (data (i32.const 180) "\"target\":")            ;; 9

  (global $current (mut i32) (i32.const 0))
  (global $target (mut i32) (i32.const 25))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 15) (i32.const 1)))

  (func (export "plugin_cleanup") (result i32) (i32.const 0))

  ;; Writes {"current":N,"target":M} at 1024; returns its length.
  (func $state (result i32)
    (local $p i32)
    (local.set $p (i32.const 1024))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 96) (i32.const 11))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $current))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 112) (i32.const 10))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $target))))
    (i32.store8 (local.get $p) (i32.const 125)) ;; }
    (i32.sub (i32.add (local.get $p) (i32.const 1)) (i32.const 1024)))

  ;; Writes "Counted i/n" at 1280; returns its length.
  (func $message (result i32)
    (local $p i32)
    (local.set $p (i32.const 1280))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 128) (i32.const 8))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $current))))
    (i32.store8 (local.get $p) (i32.const 47)) ;; /
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $target))))
    (i32.sub (local.get $p) (i32.const 1280)))

  (func (export "execute_counter") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $len i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $current (i32.const 0))
    (global.set $target (i32.const 25))
    (if (local.get $st_len)
      (then
        (global.set $current (call $u32_after (local.get $st) (local.get $st_len) (i32.const 97) (i32.const 10)))
        (global.set $target (call $u32_after (local.get $st) (local.get $st_len) (i32.const 180) (i32.const 9)))))
    (call $log (i32.const 1) (i32.const 144) (i32.const 16))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (global.get $current) (global.get $target)))
        (if (call $check_interrupt (local.get $id))
          (then
            (local.set $len (call $state))
            (drop (call $checkpoint (local.get $id) (i32.const 1024) (local.get $len)))
            (drop (call $checkpoint (local.get $id) (i32.const 1024) (local.get $len)))
            (return (i32.const 1))))
        (global.set $current (i32.add (global.get $current) (i32.const 1)))
        (call $items (local.get $id) (i64.const 1))
        (call $progress (local.get $id)
          (f32.div (f32.convert_i32_u (global.get $current)) (f32.convert_i32_u (global.get $target)))
          (i32.const 1280) (call $message))
        (if (i32.eqz (i32.rem_u (global.get $current) (i32.const 10)))
          (then
            (if (call $checkpoint (local.get $id) (i32.const 1024) (call $state))
              (then (return (i32.const 2))))))
        (br $step)))
    (call $log (i32.const 1) (i32.const 160) (i32.const 17))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
