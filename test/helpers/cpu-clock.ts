/**
 * CPU time of this test process, in ms. Hang detectors compare CPU time, not wall time: a loaded
 * machine stretches wall time (other processes take the cores) but not the work a hang would do.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
