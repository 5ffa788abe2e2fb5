;; WASM-only: a peer or a library the scenario names twice is two (library.networking, library.default). With peers
;; ["alpha", "alpha"] and libraries ["Shelf", "Shelf"], query:network.peers lists alpha twice, query:libraries.list
;; lists the default library and two Shelf libraries, and network.send to alpha answers with the peer's name as the
;; request wrote it. The guest ignores the answers: the call events hold them.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "twice")                                   ;; 5
  (data (i32.const 72) "execute_twice")                           ;; 13
  (data (i32.const 96) "query:network.peers")                     ;; 19
  (data (i32.const 120) "{}")                                     ;; 2
  (data (i32.const 128) "query:libraries.list")                   ;; 20
  (data (i32.const 152) "action:network.send.input")              ;; 25
  (data (i32.const 184) "{\"peer\":\"alpha\",\"message\":\"hi\"}")   ;; 31

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_twice") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 96) (i32.const 19) (i32.const 0) (i32.const 120) (i32.const 2)))
    (drop (call $call (i32.const 128) (i32.const 20) (i32.const 0) (i32.const 120) (i32.const 2)))
    (drop (call $call (i32.const 152) (i32.const 25) (i32.const 0) (i32.const 184) (i32.const 31)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
