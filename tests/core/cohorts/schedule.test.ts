import { describe, expect, it } from "vitest";
import { describeWeekdays, nextPostAt, windowsFor } from "../../../src/core/cohorts/schedule.ts";
import { parseLocalDate, parseScheduleArgs, parseTime, parseTimeZone, parseWeekdays } from "../../../src/core/cohorts/parse-settings.ts";

const cohort = {
  timeZone: "America/New_York",
  weekdays: [1, 2, 3, 4, 5],
  skipDates: [] as string[],
  postTime: "09:00",
  answerCloseTime: "17:00",
  reviewCloseTime: "09:00",
};

describe("posting windows in the cohort's zone", () => {
  it("keeps 09:00 local on both sides of the autumn DST change", () => {
    expect(windowsFor(cohort, "2026-10-30").postAt.toISOString()).toBe("2026-10-30T13:00:00.000Z");
    expect(windowsFor(cohort, "2026-11-02").postAt.toISOString()).toBe("2026-11-02T14:00:00.000Z");
  });

  it("keeps 09:00 local across the spring change in Europe", () => {
    const london = { ...cohort, timeZone: "Europe/London" };
    expect(windowsFor(london, "2026-03-27").postAt.toISOString()).toBe("2026-03-27T09:00:00.000Z");
    expect(windowsFor(london, "2026-03-30").postAt.toISOString()).toBe("2026-03-30T08:00:00.000Z");
  });

  it("moves a post time that falls in the spring-forward gap to the first valid minute", () => {
    const night = { ...cohort, postTime: "02:30", weekdays: [7] };
    expect(windowsFor(night, "2026-03-08").postAt.toISOString()).toBe("2026-03-08T07:30:00.000Z");
  });

  it("closes reviews at 09:00 on the next posting day, skipping weekends and skip dates", () => {
    expect(windowsFor(cohort, "2026-10-30").reviewsCloseAt.toISOString()).toBe("2026-11-02T14:00:00.000Z");
    const skipping = { ...cohort, skipDates: ["2026-11-03"] };
    expect(windowsFor(skipping, "2026-11-02").reviewsCloseAt.toISOString()).toBe("2026-11-04T14:00:00.000Z");
  });

  it("finds the next posting instant from any moment", () => {
    expect(nextPostAt(cohort, new Date("2026-10-30T13:30:00Z"))?.toISOString()).toBe("2026-11-02T14:00:00.000Z");
    expect(nextPostAt(cohort, new Date("2026-10-30T12:30:00Z"))?.toISOString()).toBe("2026-10-30T13:00:00.000Z");
  });

  it("describes schedules in words", () => {
    expect(describeWeekdays([1, 2, 3, 4, 5])).toBe("Weekdays");
    expect(describeWeekdays([1, 3, 5])).toBe("Mon, Wed, Fri");
    expect(describeWeekdays([1, 2, 3, 4, 5, 6, 7])).toBe("Daily");
  });
});

describe("reading what organizers type", () => {
  it("accepts times, zones and day sets in their usual spellings", () => {
    expect(parseTime("9:05")).toBe("09:05");
    expect(parseTimeZone("america/new_york")).toBe("America/New_York");
    expect(parseWeekdays("mon-fri")).toEqual([1, 2, 3, 4, 5]);
    expect(parseWeekdays("mon,wed,fri")).toEqual([1, 3, 5]);
    expect(parseWeekdays("fri-mon")).toEqual([1, 5, 6, 7]);
    expect(parseWeekdays("daily")).toHaveLength(7);
    expect(parseScheduleArgs(["Humana/AI-PM", "mon,wed", "Europe/Berlin", "7:30"])).toEqual({
      trackId: "humana/ai-pm",
      postTime: "07:30",
      timeZone: "Europe/Berlin",
      weekdays: [1, 3],
    });
  });

  it.each([
    [() => parseTime("9am"), /not a time/],
    [() => parseTime("24:00"), /not a time/],
    [() => parseTimeZone("EST5EDT+"), /not a time zone/],
    [() => parseWeekdays("mon-funday"), /not a set of days/],
    [() => parseLocalDate("2026-02-30"), /not a date/],
    [() => parseScheduleArgs([]), /Say which track/],
  ])("explains what is wrong with bad input (%#)", (parse, message) => {
    expect(parse).toThrow(message);
  });
});
