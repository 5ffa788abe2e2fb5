;; register_job abused from plugin_init, each status written to one spacedrive_log line "register: ..." (the
;; extension's, since no job runs yet):
;;   "dup" -> execute_job                 0  registered
;;   "dup" -> execute_job again           5  DUPLICATE
;;   "dup" -> execute_other               5  DUPLICATE (the name is checked before the export)
;;   "nope" -> no_such_export             6  UNKNOWN_EXPORT
;;   "wrong_sig" -> wrong_sig_export      6  UNKNOWN_EXPORT: the export is (i32) -> i32, not a job
;;   "mem" -> memory                      6  UNKNOWN_EXPORT: not a function
;;   "alloc" -> wasm_alloc                6  UNKNOWN_EXPORT: a function, not a job
;;   "" -> execute_job                    3  BAD_ARGUMENT: an empty name
;;   "init" -> plugin_init                6  UNKNOWN_EXPORT
;;   "blank" -> ""                        6  UNKNOWN_EXPORT: an empty export name
;; plugin_init returns 0 anyway, so the guest loads with "dup" alone. The job "dup" calls register_job("late") while
;; it runs: 9 WRONG_PHASE, on the job's own trace; it logs "late=9" and completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "dup")                             ;; 3
  (data (i32.const 68) "nope")                            ;; 4
  (data (i32.const 72) "wrong_sig")                       ;; 9
  (data (i32.const 84) "mem")                             ;; 3
  (data (i32.const 88) "alloc")                           ;; 5
  (data (i32.const 96) "init")                            ;; 4
  (data (i32.const 100) "blank")                          ;; 5
  (data (i32.const 108) "late")                           ;; 4
  (data (i32.const 128) "execute_job")                    ;; 11
  (data (i32.const 144) "execute_other")                  ;; 13
  (data (i32.const 160) "no_such_export")                 ;; 14
  (data (i32.const 176) "wrong_sig_export")               ;; 16
  (data (i32.const 192) "memory")                         ;; 6
  (data (i32.const 200) "wasm_alloc")                     ;; 10
  (data (i32.const 212) "plugin_init")                    ;; 11
  (data (i32.const 224) "register:")                      ;; 9
  (data (i32.const 240) "late=")                          ;; 5

  ;; The line being written at 1024 and its end.
  (global $line_end (mut i32) (i32.const 1024))

  ;; Appends " <status>" to the line.
  (func $append (param $status i32)
    (i32.store8 (global.get $line_end) (i32.const 32))
    (global.set $line_end
      (i32.add (i32.add (global.get $line_end) (i32.const 1))
               (call $write_u32 (i32.add (global.get $line_end) (i32.const 1)) (local.get $status)))))

  (func $register (param $name i32) (param $name_len i32) (param $export i32) (param $export_len i32)
    (call $append (call $register_job (local.get $name) (local.get $name_len) (local.get $export) (local.get $export_len) (i32.const 1))))

  (func (export "plugin_init") (result i32)
    (global.set $line_end (i32.add (i32.const 1024) (call $copy (i32.const 1024) (i32.const 224) (i32.const 9))))
    (call $register (i32.const 64) (i32.const 3) (i32.const 128) (i32.const 11))
    (call $register (i32.const 64) (i32.const 3) (i32.const 128) (i32.const 11))
    (call $register (i32.const 64) (i32.const 3) (i32.const 144) (i32.const 13))
    (call $register (i32.const 68) (i32.const 4) (i32.const 160) (i32.const 14))
    (call $register (i32.const 72) (i32.const 9) (i32.const 176) (i32.const 16))
    (call $register (i32.const 84) (i32.const 3) (i32.const 192) (i32.const 6))
    (call $register (i32.const 88) (i32.const 5) (i32.const 200) (i32.const 10))
    (call $register (i32.const 64) (i32.const 0) (i32.const 128) (i32.const 11))
    (call $register (i32.const 96) (i32.const 4) (i32.const 212) (i32.const 11))
    (call $register (i32.const 100) (i32.const 5) (i32.const 128) (i32.const 0))
    (call $log (i32.const 1) (i32.const 1024) (i32.sub (global.get $line_end) (i32.const 1024)))
    (i32.const 0))

  ;; Has a job's name but not its signature.
  (func (export "wrong_sig_export") (param i32) (result i32) (i32.const 0))

  (func (export "execute_job") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $status i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $status (call $register_job (i32.const 108) (i32.const 4) (i32.const 128) (i32.const 11) (i32.const 1)))
    (drop (call $copy (i32.const 1024) (i32.const 240) (i32.const 5)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 5) (call $write_u32 (i32.const 1029) (local.get $status))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
