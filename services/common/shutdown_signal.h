// Orderly shutdown on SIGTERM and SIGINT.
#ifndef SIGNUP_SERVICES_COMMON_SHUTDOWN_SIGNAL_H_
#define SIGNUP_SERVICES_COMMON_SHUTDOWN_SIGNAL_H_

namespace signup {

// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it
// starts later. Call first in main, before any library starts a thread, so
// that the signals reach only WaitForShutdownSignal.
void BlockShutdownSignals();

// Waits until SIGTERM or SIGINT arrives and returns its number.
int WaitForShutdownSignal();

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_SHUTDOWN_SIGNAL_H_
