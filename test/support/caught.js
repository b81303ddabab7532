/** The error `run` fails with; a test that expected a failure fails when there is none. */
export async function caught(run) {
    try {
        await run();
    }
    catch (err) {
        return err;
    }
    throw new Error('expected a failure');
}
//# sourceMappingURL=caught.js.map