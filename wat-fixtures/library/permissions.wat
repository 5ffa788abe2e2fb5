;; Runs under a manifest that allows only `query:` methods and only library 00000000-0000-4000-8000-000000000000
;; (not the job's library). Four calls: test.ping (an action: MethodNotAllowed), entries.create on the job's
;; library (MethodNotAllowed, not LibraryAccessDenied: the method is checked before the library, and nothing is
;; created), entries.list on the job's library (an allowed method: LibraryAccessDenied), and libraries.list with no
;; library (allowed: library rules only apply to calls that name a library). The guest ignores the answers.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "permissions")                   ;; 11
  (data (i32.const 80) "execute_permissions")           ;; 19
  (data (i32.const 112) "action:test.ping.input")       ;; 22
  (data (i32.const 136) "{\"message\":\"hi\"}")         ;; 16
  (data (i32.const 160) "action:entries.create.input")  ;; 27
  (data (i32.const 192) "{\"name\":\"denied.txt\",\"path\":\"/denied.txt\",\"entry_type\":\"file\"}") ;; 62
  (data (i32.const 256) "query:entries.list")           ;; 18
  (data (i32.const 280) "query:libraries.list")         ;; 20
  (data (i32.const 304) "{}")                           ;; 2

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 11) (i32.const 80) (i32.const 19) (i32.const 1)))

  (func (export "execute_permissions") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $lib i32)
    (local.set $lib (call $library_id (local.get $ctx)))
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 0) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 160) (i32.const 27) (local.get $lib) (i32.const 192) (i32.const 62)))
    (drop (call $call (i32.const 256) (i32.const 18) (local.get $lib) (i32.const 304) (i32.const 2)))
    (drop (call $call (i32.const 280) (i32.const 20) (i32.const 0) (i32.const 304) (i32.const 2)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
