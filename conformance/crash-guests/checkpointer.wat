;; The crash test's job (conformance/crash.test.ts): a long job that checkpoints large states, so a process killed
;; with SIGKILL is often killed inside a checkpoint write. Its native twin is checkpointer.native.ts; the two make
;; the same calls with the same bytes.
;;
;; Job "checkpointer" (export execute_checkpointer). Initial state (--state): {"target":T,"size":Z,"every":K}, each
;; key optional (defaults 400, 65536, 4). A checkpoint is exactly Z bytes (or just its header when Z is smaller):
;;
;;   {"step":S,"target":T,"size":Z,"every":K}  then byte i (i = header length .. Z-1) = (S*31 + i) & 0x7f
;;
;; so every byte depends on the step, and a state mixing two checkpoints matches neither. The bytes stay below 0x80
;; so the state is valid UTF-8, which the reference host's trace keeps as text (other states become hex, which costs
;; ~50 ms per 64 KiB checkpoint today).
;;
;; A run reads S from the state (0 when it has no "step"), then until S reaches T: check for an interrupt (any
;; answer: checkpoint S and return 1), count one item, S += 1, and when S is a multiple of K checkpoint S (a refused
;; checkpoint fails the job: return 2). At T it returns 0 (Completed; the host discards the last checkpoint).
(module
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "checkpointer")            ;; 12
  (data (i32.const 80) "execute_checkpointer")    ;; 20
  (data (i32.const 112) "{\"step\":")             ;; 8
  (data (i32.const 128) ",\"target\":")           ;; 10
  (data (i32.const 144) ",\"size\":")             ;; 8
  (data (i32.const 160) ",\"every\":")            ;; 9
  ;; the keys as $u32_after looks for them (the text after the comma or brace)
  (data (i32.const 176) "\"step\":")              ;; 7
  (data (i32.const 192) "\"target\":")            ;; 9
  (data (i32.const 208) "\"size\":")              ;; 7
  (data (i32.const 224) "\"every\":")             ;; 8

  (global $step (mut i32) (i32.const 0))
  (global $target (mut i32) (i32.const 400))
  (global $size (mut i32) (i32.const 65536))
  (global $every (mut i32) (i32.const 4))
  ;; the checkpoint buffer (wasm_alloc'd once per run) and its capacity
  (global $buf (mut i32) (i32.const 0))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 12) (i32.const 80) (i32.const 20) (i32.const 1)))

  ;; Writes the state for $step into $buf; returns its length.
  (func $state (result i32)
    (local $p i32) (local $end i32) (local $byte i32)
    (local.set $p (global.get $buf))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 112) (i32.const 8))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $step))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 128) (i32.const 10))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $target))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 144) (i32.const 8))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $size))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 160) (i32.const 9))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $every))))
    (i32.store8 (local.get $p) (i32.const 125)) ;; }
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    ;; padding: byte i of the state is (step*31 + i) & 0x7f; $byte walks along with $p
    (local.set $end (i32.add (global.get $buf) (global.get $size)))
    (local.set $byte (i32.add (i32.mul (global.get $step) (i32.const 31)) (i32.sub (local.get $p) (global.get $buf))))
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store8 (local.get $p) (i32.and (local.get $byte) (i32.const 0x7f)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $byte (i32.add (local.get $byte) (i32.const 1)))
        (br $fill)))
    (i32.sub (local.get $p) (global.get $buf)))

  ;; The value of a key in the state, or $default when the state does not have it.
  (func $field (param $st i32) (param $len i32) (param $key i32) (param $key_len i32) (param $default i32) (result i32)
    (if (result i32) (call $has (local.get $st) (local.get $len) (local.get $key) (local.get $key_len))
      (then (call $u32_after (local.get $st) (local.get $len) (local.get $key) (local.get $key_len)))
      (else (local.get $default))))

  ;; Whether the key occurs in the state's header (its first 128 bytes: the padding is not text).
  (func $has (param $st i32) (param $len i32) (param $key i32) (param $key_len i32) (result i32)
    (local $i i32) (local $j i32) (local $limit i32)
    (local.set $limit (select (local.get $len) (i32.const 128) (i32.lt_u (local.get $len) (i32.const 128))))
    (block $no
      (loop $scan
        (br_if $no (i32.gt_u (i32.add (local.get $i) (local.get $key_len)) (local.get $limit)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $match
            (br_if $mismatch
              (i32.ne (i32.load8_u (i32.add (local.get $st) (i32.add (local.get $i) (local.get $j))))
                      (i32.load8_u (i32.add (local.get $key) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $match (i32.lt_u (local.get $j) (local.get $key_len))))
          (return (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (i32.const 0))

  (func (export "execute_checkpointer") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $header i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; only the header is parsed: the padding could hold anything
    (local.set $header (select (local.get $st_len) (i32.const 128) (i32.lt_u (local.get $st_len) (i32.const 128))))
    (global.set $step (call $field (local.get $st) (local.get $header) (i32.const 176) (i32.const 7) (i32.const 0)))
    (global.set $target (call $field (local.get $st) (local.get $header) (i32.const 192) (i32.const 9) (i32.const 400)))
    (global.set $size (call $field (local.get $st) (local.get $header) (i32.const 208) (i32.const 7) (i32.const 65536)))
    (global.set $every (call $field (local.get $st) (local.get $header) (i32.const 224) (i32.const 8) (i32.const 4)))
    (if (i32.eqz (global.get $every)) (then (global.set $every (i32.const 1))))
    ;; room for the state even when the header is longer than size
    (global.set $buf (call $wasm_alloc (i32.add (global.get $size) (i32.const 128))))
    (if (i32.eqz (global.get $buf)) (then (return (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (global.get $step) (global.get $target)))
        (if (call $check_interrupt (local.get $id))
          (then
            (drop (call $checkpoint (local.get $id) (global.get $buf) (call $state)))
            (return (i32.const 1))))
        (call $items (local.get $id) (i64.const 1))
        (global.set $step (i32.add (global.get $step) (i32.const 1)))
        (if (i32.eqz (i32.rem_u (global.get $step) (global.get $every)))
          (then
            (if (call $checkpoint (local.get $id) (global.get $buf) (call $state))
              (then (return (i32.const 2))))))
        (br $next)))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
