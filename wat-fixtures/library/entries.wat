;; Wire calls against the job's library (its id parsed from the context to 32..47): test.ping without a library,
;; entries.create, entries.list, then sidecars.write for the created entry, whose id the guest takes from the
;; create answer (`{"id":"<36 chars>",...}`). The guest checks each answer's shape and fails (returns 2) if one
;; is not what it expects.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "entries")                       ;; 7
  (data (i32.const 72) "execute_entries")               ;; 15
  (data (i32.const 96) "action:test.ping.input")        ;; 22
  (data (i32.const 128) "{\"message\":\"hi\",\"count\":2}") ;; 26
  (data (i32.const 160) "action:entries.create.input")  ;; 27
  (data (i32.const 192) "{\"name\":\"photo.jpg\",\"path\":\"/photos/photo.jpg\",\"entry_type\":\"file\"}") ;; 67
  (data (i32.const 272) "query:entries.list")           ;; 18
  (data (i32.const 296) "action:sidecars.write.input")  ;; 27
  (data (i32.const 328) "{\"entry_id\":\"")             ;; 13
  (data (i32.const 344) "\",\"name\":\"thumb.webp\",\"content\":\"tiny\"}") ;; 39
  (data (i32.const 384) "{\"echo\":\"Pong: hi\"")       ;; 18
  (data (i32.const 408) "{\"id\":\"")                   ;; 7
  (data (i32.const 416) "{\"entries\":[{\"id\":\"")     ;; 19
  (data (i32.const 440) "\"bytes\":")                   ;; 8
  (data (i32.const 448) "{}")                           ;; 2

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  ;; 1 if the length-prefixed answer at $answer (0 = none) starts with the $len bytes at $prefix.
  (func $starts_with (param $answer i32) (param $prefix i32) (param $len i32) (result i32)
    (local $i i32)
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 0))))
    (if (i32.lt_u (i32.load (local.get $answer)) (local.get $len)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.ne (i32.load8_u (i32.add (i32.add (local.get $answer) (i32.const 4)) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $prefix) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func (export "execute_entries") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $lib i32) (local $answer i32) (local $entry i32) (local $p i32)
    (local.set $lib (call $library_id (local.get $ctx)))
    ;; ping: no library (pointer 0)
    (local.set $answer (call $call (i32.const 96) (i32.const 22) (i32.const 0) (i32.const 128) (i32.const 26)))
    (if (i32.eqz (call $starts_with (local.get $answer) (i32.const 384) (i32.const 18))) (then (return (i32.const 2))))
    ;; create an entry; its id is the 36 characters after {"id":"
    (local.set $entry (call $call (i32.const 160) (i32.const 27) (local.get $lib) (i32.const 192) (i32.const 67)))
    (if (i32.eqz (call $starts_with (local.get $entry) (i32.const 408) (i32.const 7))) (then (return (i32.const 2))))
    ;; list the entries: the created one comes first
    (local.set $answer (call $call (i32.const 272) (i32.const 18) (local.get $lib) (i32.const 448) (i32.const 2)))
    (if (i32.eqz (call $starts_with (local.get $answer) (i32.const 416) (i32.const 19))) (then (return (i32.const 2))))
    ;; write a sidecar for it: {"entry_id":"<id>","name":"thumb.webp","content":"tiny"} at 1024 (88 bytes)
    (local.set $p (i32.const 1024))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 328) (i32.const 13))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.add (local.get $entry) (i32.const 11)) (i32.const 36))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 344) (i32.const 39))))
    (local.set $answer (call $call (i32.const 296) (i32.const 27) (local.get $lib) (i32.const 1024) (i32.sub (local.get $p) (i32.const 1024))))
    (if (i32.eqz (call $starts_with (local.get $answer) (i32.const 328) (i32.const 13))) (then (return (i32.const 2))))
    ;; the answer counts the content's 4 bytes
    (if (i32.ne (call $u32_after (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer)) (i32.const 440) (i32.const 8))
                (i32.const 4))
      (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
