;; spacedrive_call against a manifest that allows only `query:` methods, only library
;; 00000000-0000-4000-8000-000000000000 (which does not exist on the host) and 2 calls a minute:
;;   1 action:entries.create.input on the job's library   MethodNotAllowed (and no entry is created)
;;   2 query:entries.list on the job's library            LibraryAccessDenied
;;   3 query:entries.list on the allowed, missing library LibraryNotFound (authorized: the 1st counted call)
;;   4 Query:libraries.list                               UnknownMethod (not of the wire form; checked first)
;;   5 query:libraries.list                               answered (the 2nd counted call)
;;   6..10 query:libraries.list                           RateLimitExceeded
;; Every call answers a pointer (errors are answers, not refusals); the job logs "answers=<non-zero answers>".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "call_abuse")                      ;; 10
  (data (i32.const 80) "execute_call_abuse")              ;; 18
  (data (i32.const 128) "action:entries.create.input")    ;; 27
  (data (i32.const 160) "query:entries.list")             ;; 18
  (data (i32.const 192) "Query:libraries.list")           ;; 20
  (data (i32.const 224) "query:libraries.list")           ;; 20
  (data (i32.const 256) "\00\00\00\00\00\00\40\00\80\00\00\00\00\00\00\00") ;; 16: the manifest's library
  (data (i32.const 288) "{\"name\":\"x.txt\",\"path\":\"/x.txt\",\"entry_type\":\"file\"}") ;; 52
  (data (i32.const 352) "answers=")                       ;; 8

  (global $answers (mut i32) (i32.const 0))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 10) (i32.const 80) (i32.const 18) (i32.const 1)))

  (func $count (param $answer i32)
    (if (local.get $answer) (then (global.set $answers (i32.add (global.get $answers) (i32.const 1))))))

  (func (export "execute_call_abuse") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $library i32) (local $i i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $library (call $library_id (local.get $ctx)))
    (call $count (call $call (i32.const 128) (i32.const 27) (local.get $library) (i32.const 288) (i32.const 52)))
    (call $count (call $call (i32.const 160) (i32.const 18) (local.get $library) (i32.const 0) (i32.const 0)))
    (call $count (call $call (i32.const 160) (i32.const 18) (i32.const 256) (i32.const 0) (i32.const 0)))
    (call $count (call $call (i32.const 192) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (loop $again
      (call $count (call $call (i32.const 224) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 6))))
    (drop (call $copy (i32.const 1024) (i32.const 352) (i32.const 8)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 8) (call $write_u32 (i32.const 1032) (global.get $answers))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
