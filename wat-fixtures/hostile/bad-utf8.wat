;; Invalid UTF-8 in every text argument a native job can also pass as raw bytes: spacedrive_log (0xff, a byte that
;; never occurs in UTF-8), job_log (c0 80, an overlong NUL), job_add_warning (ed a0 80, the surrogate U+D800),
;; job_add_non_critical_error ("cut " then e2 82, a sequence cut short), job_report_progress's message (f4 90 80 80,
;; above U+10FFFF) and job_spawn_child's type ("ok" then a stray continuation byte). Each is refused with
;; BAD_ARGUMENT and leaves no trace but the refusal (no log, warning, error, progress or child; the spawn answers 0).
;; The job then logs "spawn=<answer>" and completes: a valid call after the refusals still lands.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))
  (import "spacedrive" "job_add_non_critical_error" (func $error (param i32 i32 i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "bad_utf8")                        ;; 8
  (data (i32.const 80) "execute_bad_utf8")                ;; 16
  (data (i32.const 128) "\ff")                            ;; 1
  (data (i32.const 136) "\c0\80")                         ;; 2
  (data (i32.const 144) "\ed\a0\80")                      ;; 3
  (data (i32.const 152) "cut \e2\82")                     ;; 6
  (data (i32.const 160) "\f4\90\80\80")                   ;; 4
  (data (i32.const 168) "ok\80")                          ;; 3
  (data (i32.const 176) "spawn=")                         ;; 6

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_bad_utf8") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $child i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $log (i32.const 1) (i32.const 128) (i32.const 1))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 136) (i32.const 2))
    (call $warning (local.get $id) (i32.const 144) (i32.const 3))
    (call $error (local.get $id) (i32.const 152) (i32.const 6))
    (call $progress (local.get $id) (f32.const 0.5) (i32.const 160) (i32.const 4))
    (local.set $child (call $spawn (local.get $id) (i32.const 168) (i32.const 3) (i32.const 0) (i32.const 0)))
    ;; "spawn=<answer>"
    (drop (call $copy (i32.const 1024) (i32.const 176) (i32.const 6)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 6) (call $write_u32 (i32.const 1030) (local.get $child))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
