import { planSlots, redistribute } from './session.rules.js';

describe('slots', () => {
  test('a window is cut into slots of the given length, the last one shorter, capacity spread evenly', () => {
    expect(planSlots('08:00', '09:10', 30, 7)).toEqual([
      { startTime: '08:00', endTime: '08:30', capacity: 3 },
      { startTime: '08:30', endTime: '09:00', capacity: 2 },
      { startTime: '09:00', endTime: '09:10', capacity: 2 },
    ]);
  });

  test.each([
    [6, [0, 0, 0], [2, 2, 2]],
    [6, [4, 0, 0], [4, 1, 1]],
    [5, [3, 2, 0], [3, 2, 0]],
    [10, [0, 3, 0], [4, 3, 3]],
  ])('redistributing %i over slots booked %j never goes below a slot’s bookings', (total, booked, expected) => {
    const caps = redistribute(
      total,
      booked.map((b) => ({ booked: b })),
    );
    expect(caps).toEqual(expected);
    expect(caps.reduce((a, b) => a + b, 0)).toBe(total);
  });
});
