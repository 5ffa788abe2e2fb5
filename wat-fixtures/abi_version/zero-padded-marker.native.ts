import { helloTwin } from "./hello.native.ts";

/** zero-padded-marker.wat exports spacedrive_abi_version_1_000...001 (a minor of 5,000 digits whose value is 1). */
export default helloTwin("1.1");
