;; WASM-only, ABI 1.1: job_progress's checks on the bytes a guest passes, under maxMessageBytes 64. Not JSON, a key
;; twice, a u64 with an exponent, invalid UTF-8, a lone surrogate escape, a key twice inside Structured data, a u64
;; written -0 and a progress with no data are BAD_ARGUMENT (3); 65 bytes is LIMIT_EXCEEDED (4, size 65); a
;; range past the end of memory is INVALID_MEMORY_ACCESS (1); an id that is not the running job's (16 zero bytes at
;; 2200) is NOT_RUNNING_JOB (2). JSON with whitespace and an extra member is a progress, recorded byte for byte.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "json11") ;; 6
  (data (i32.const 72) "execute_json11") ;; 14
  (data (i32.const 88) "status=") ;; 7
  (data (i32.const 96) "{\"type\":\"Count\"") ;; 15
  (data (i32.const 112) "{\"type\":\"Count\",\"type\":\"Bytes\",\"data\":{\"current\":1,\"total\":1}}") ;; 62
  (data (i32.const 176) "{\"type\":\"Count\",\"data\":{\"current\":1e2,\"total\":100}}") ;; 51
  (data (i32.const 232) "\7b\22\74\79\70\65\22\3a\22\49\6e\64\65\74\65\72\6d\69\6e\61\74\65\22\2c\22\64\61\74\61\22\3a\22\ff\22\7d") ;; 35
  (data (i32.const 272) "{\"type\":\"Indeterminate\",\"data\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}") ;; 65
  (data (i32.const 344) "{\"type\":\"Indeterminate\",\"data\":\"\\ud800\"}") ;; 40
  (data (i32.const 384) "{\"type\":\"Structured\",\"data\":{\"a\":1,\"a\":2}}") ;; 42
  (data (i32.const 432) "{\"type\":\"Count\",\"data\":{\"current\":-0,\"total\":1}}") ;; 48
  (data (i32.const 480) "{\"type\":\"Structured\"}") ;; 21
  (data (i32.const 504) "{\"type\":\"Percentage\",\"data\":0}") ;; 30
  (data (i32.const 536) "{ \"type\" : \"Percentage\", \"data\" : 1 , \"extra\" : [] }") ;; 52

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))

  ;; Logs "status=<status>" from 2048.
  (func $log_status (param $id i32) (param $status i32)
    (drop (call $copy (i32.const 2048) (i32.const 88) (i32.const 7)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048)
      (i32.add (i32.const 7) (call $write_u32 (i32.const 2055) (local.get $status)))))

  (func (export "execute_json11") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; not JSON: the text ends inside the object
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 96) (i32.const 15)))
    ;; a key twice
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 112) (i32.const 62)))
    ;; a u64 written with an exponent
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 176) (i32.const 51)))
    ;; invalid UTF-8
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 232) (i32.const 35)))
    ;; 65 bytes, one over maxMessageBytes 64
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 272) (i32.const 65)))
    ;; a lone surrogate escape
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 344) (i32.const 40)))
    ;; a key twice inside Structured data
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 384) (i32.const 42)))
    ;; a u64 written -0
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 432) (i32.const 48)))
    ;; no data
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 480) (i32.const 21)))
    ;; a range outside memory
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 65530) (i32.const 10)))
    ;; an id that is not the running job's
    (call $log_status (local.get $id) (call $progress (i32.const 2200) (i32.const 504) (i32.const 30)))
    ;; whitespace and a member the ABI does not name: accepted, recorded as written
    (call $log_status (local.get $id) (call $progress (local.get $id) (i32.const 536) (i32.const 52)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
