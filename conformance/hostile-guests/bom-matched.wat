;; A leading byte order mark (EF BB BF) is the character U+FEFF wherever the host reads text: nothing strips it
;; (call.utf8). plugin_init registers a job named by the BOM alone (a name of one character: OK, recorded as it is) and
;; "child". The job then passes the BOM in front of: a child type ("\ufeffchild" is not registered: UNKNOWN_JOB_TYPE),
;; a wire method ("\ufeffquery:libraries.list" is not a method: an UnknownMethod answer), a wire payload ("\ufeff{}" is
;; not JSON: a BadPayload answer) and a progress ("\ufeff" before the JSON: BAD_ARGUMENT). Each answer's status or
;; error code is in its event; the spawn's answer and the progress's status are logged. A host that strips the BOM queues a child, answers the calls and accepts the progress.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "\ef\bb\bf")                       ;; the BOM alone, 3
  (data (i32.const 72) "execute_bom")                     ;; 11
  (data (i32.const 88) "child")                           ;; 5
  (data (i32.const 96) "execute_child")                   ;; 13
  (data (i32.const 112) "\ef\bb\bfchild")                 ;; 8
  (data (i32.const 128) "\ef\bb\bfquery:libraries.list")  ;; 23
  (data (i32.const 156) "query:libraries.list")           ;; 20
  (data (i32.const 176) "\ef\bb\bf{}")                    ;; 5
  (data (i32.const 192) "\ef\bb\bf{\"type\":\"Percentage\",\"data\":0.5}") ;; 35
  (data (i32.const 232) "spawn=0")                        ;; 7
  (data (i32.const 248) "progress=")                      ;; 9
  (data (i32.const 264) "spawn=child")                    ;; 11

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 3) (i32.const 72) (i32.const 11) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))

  ;; Logs "spawn=0" for a spawn answered 0, "spawn=child" for a child id.
  (func $log_spawn (param $id i32) (param $answer i32)
    (if (i32.eqz (local.get $answer))
      (then (call $job_log (local.get $id) (i32.const 1) (i32.const 232) (i32.const 7)))
      (else (call $job_log (local.get $id) (i32.const 1) (i32.const 264) (i32.const 11)))))

  ;; Logs `prefix` then the digit of a status (0..9).
  (func $log_status (param $id i32) (param $prefix i32) (param $len i32) (param $status i32)
    (memory.copy (i32.const 320) (local.get $prefix) (local.get $len))
    (i32.store8 (i32.add (i32.const 320) (local.get $len)) (i32.add (i32.const 48) (local.get $status)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 320) (i32.add (local.get $len) (i32.const 1))))

  (func (export "execute_bom") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $log_spawn (local.get $id) (call $spawn (local.get $id) (i32.const 112) (i32.const 8) (i32.const 0) (i32.const 0)))
    ;; The wire answers are in the call events (their codes compared); their text is the host's, so it is not logged.
    (drop (call $call (i32.const 128) (i32.const 23) (i32.const 0) (i32.const 0) (i32.const 0)))
    (drop (call $call (i32.const 156) (i32.const 20) (i32.const 0) (i32.const 176) (i32.const 5)))
    (call $log_status (local.get $id) (i32.const 248) (i32.const 9) (call $progress (local.get $id) (i32.const 192) (i32.const 35)))
    (i32.const 0))

  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
