;; WASM-only: with networking off and a manifest that allows query: methods only, action:network.send.input is
;; refused by the manifest first (MethodNotAllowed: wire.order's checks come before NetworkingDisabled), while
;; query:network.peers, which the manifest allows, answers NetworkingDisabled; query:jobs.list, a method outside the
;; catalogue, answers UnknownMethod. The guest ignores the answers: the call events hold them.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "offline")                                ;; 7
  (data (i32.const 72) "execute_offline")                        ;; 15
  (data (i32.const 96) "query:network.peers")                    ;; 19
  (data (i32.const 120) "{}")                                    ;; 2
  (data (i32.const 128) "action:network.send.input")             ;; 25
  (data (i32.const 160) "{\"peer\":\"beta\",\"message\":\"hello\"}") ;; 33
  (data (i32.const 200) "query:jobs.list")                       ;; 15

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  (func (export "execute_offline") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 128) (i32.const 25) (i32.const 0) (i32.const 160) (i32.const 33)))
    (drop (call $call (i32.const 96) (i32.const 19) (i32.const 0) (i32.const 120) (i32.const 2)))
    (drop (call $call (i32.const 200) (i32.const 15) (i32.const 0) (i32.const 120) (i32.const 2)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
