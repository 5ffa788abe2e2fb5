;; Creates entry "a", lists the entries, creates "b", lists again. Only then does the guest check both answers
;; (still in its memory): the first must be exactly `{"entries":[{"id":"<36 chars>","name":"a",...}]}` (102 bytes,
;; ending with entry a), the second exactly a then b (191 bytes, ending with entry b); otherwise it returns 2.
;; An answer is a snapshot taken when the call was made: a host that handed out (or traced) its live entry list
;; would show "b" in the first answer once "b" exists.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "list_snapshot")                  ;; 13
  (data (i32.const 80) "execute_list_snapshot")          ;; 21
  (data (i32.const 112) "action:entries.create.input")   ;; 27
  (data (i32.const 144) "query:entries.list")            ;; 18
  (data (i32.const 168) "{}")                            ;; 2
  (data (i32.const 176) "{\"name\":\"a\",\"path\":\"/a\",\"entry_type\":\"file\"}")   ;; 44
  (data (i32.const 224) "{\"name\":\"b\",\"path\":\"/b\",\"entry_type\":\"file\"}")   ;; 44
  (data (i32.const 272) "\"name\":\"a\",\"path\":\"/a\",\"entry_type\":\"file\"}]}")  ;; 45: how a list ending with a ends
  (data (i32.const 320) "\"name\":\"b\",\"path\":\"/b\",\"entry_type\":\"file\"}]}")  ;; 45: how a list ending with b ends

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 13) (i32.const 80) (i32.const 21) (i32.const 1)))

  ;; 1 if the length-prefixed answer at $answer (0 = none) is $len bytes long and ends with the $suffix_len bytes
  ;; at $suffix.
  (func $answer_is (param $answer i32) (param $len i32) (param $suffix i32) (param $suffix_len i32) (result i32)
    (local $tail i32) (local $i i32)
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load (local.get $answer)) (local.get $len)) (then (return (i32.const 0))))
    (local.set $tail (i32.sub (i32.add (i32.add (local.get $answer) (i32.const 4)) (local.get $len)) (local.get $suffix_len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $suffix_len)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $tail) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $suffix) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func (export "execute_list_snapshot") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $lib i32) (local $first i32) (local $second i32)
    (local.set $lib (call $library_id (local.get $ctx)))
    (drop (call $call (i32.const 112) (i32.const 27) (local.get $lib) (i32.const 176) (i32.const 44)))         ;; create a
    (local.set $first (call $call (i32.const 144) (i32.const 18) (local.get $lib) (i32.const 168) (i32.const 2)))
    (drop (call $call (i32.const 112) (i32.const 27) (local.get $lib) (i32.const 224) (i32.const 44)))         ;; create b
    (local.set $second (call $call (i32.const 144) (i32.const 18) (local.get $lib) (i32.const 168) (i32.const 2)))
    ;; checked after b exists: the first answer still lists only a
    (if (i32.eqz (call $answer_is (local.get $first) (i32.const 102) (i32.const 272) (i32.const 45))) (then (return (i32.const 2))))
    (if (i32.eqz (call $answer_is (local.get $second) (i32.const 191) (i32.const 320) (i32.const 45))) (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
